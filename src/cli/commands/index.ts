import type { CommandGroup } from '../registry';
import { accountsCommands } from './accounts.command';
import { columnsCommands } from './columns.command';
import { contactsCommands } from './contacts.command';
import { emailsCommands } from './emails.command';
import { interactionsCommands } from './interactions.command';
import { leadsCommands } from './leads.command';
import { researchCommands } from './research.command';
import { tasksCommands } from './tasks.command';

/**
 * Every command group of `assay`, in the order `assay --help` lists them. A module adds its
 * commands by writing `<name>.command.ts` here (a CommandGroup) and adding it to this list.
 */
export const COMMAND_GROUPS: CommandGroup[] = [
  tasksCommands,
  accountsCommands,
  leadsCommands,
  contactsCommands,
  emailsCommands,
  researchCommands,
  columnsCommands,
  interactionsCommands,
];
