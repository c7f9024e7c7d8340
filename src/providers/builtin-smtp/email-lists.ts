import mailchecker from 'mailchecker';

/**
 * What an address is besides deliverable: a throwaway domain (mailchecker's maintained list of
 * disposable-email domains), a free webmail provider, or a role account (a mailbox for a function,
 * not a person).
 */

let disposable: Set<string> | undefined;

/** The domain or any parent of it is a disposable-email domain. */
export function isDisposable(domain: string): boolean {
  disposable ??= mailchecker.blacklist();
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i++)
    if (disposable.has(labels.slice(i).join('.'))) return true;
  return false;
}

/** Free / consumer webmail providers (the largest, by region). */
const FREE = new Set(
  `gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.co.jp yahoo.fr yahoo.de yahoo.es yahoo.it
  yahoo.com.br yahoo.co.in ymail.com rocketmail.com hotmail.com hotmail.co.uk hotmail.fr hotmail.de
  hotmail.it hotmail.es outlook.com outlook.fr outlook.de outlook.es live.com live.co.uk live.fr
  live.de msn.com passport.com aol.com aim.com icloud.com me.com mac.com mail.com email.com
  usa.com post.com gmx.com gmx.net gmx.de gmx.at gmx.ch gmx.fr web.de t-online.de freenet.de
  arcor.de posteo.de posteo.net mailbox.org protonmail.com proton.me protonmail.ch pm.me
  tutanota.com tutanota.de tuta.io zoho.com zohomail.com yandex.com yandex.ru ya.ru mail.ru
  inbox.ru list.ru bk.ru rambler.ru qq.com 163.com 126.com yeah.net sina.com sohu.com aliyun.com
  naver.com daum.net hanmail.net orange.fr wanadoo.fr free.fr laposte.net sfr.fr neuf.fr libero.it
  virgilio.it tiscali.it alice.it seznam.cz wp.pl o2.pl interia.pl onet.pl btinternet.com
  sky.com virginmedia.com blueyonder.co.uk talktalk.net ntlworld.com comcast.net verizon.net
  att.net sbcglobal.net bellsouth.net cox.net charter.net earthlink.net juno.com optonline.net
  rediffmail.com fastmail.com fastmail.fm hushmail.com rediff.com uol.com.br bol.com.br terra.com.br
  shaw.ca rogers.com sympatico.ca bigpond.com optusnet.com.au xtra.co.nz telenet.be skynet.be
  ziggo.nl kpnmail.nl hetnet.nl planet.nl bluewin.ch hey.com duck.com`.split(/\s+/),
);

export function isFreeProvider(domain: string): boolean {
  return FREE.has(domain);
}

/** Local parts of role accounts (compared without separators: `customer-service` = `customerservice`). */
const ROLE = new Set(
  `info information contact contactus hello hi office admin administrator root webmaster
  postmaster hostmaster abuse noc security sales marketing support help helpdesk service services
  customerservice customersupport customercare care billing accounts accounting finance invoice
  invoices payments jobs careers career recruiting recruitment hr humanresources team staff
  press media pr news newsletter noreply donotreply mail email enquiries enquiry inquiries
  inquiry feedback orders order shop store legal privacy compliance partners partnerships
  bookings booking reservations events it tech dev devops ops operations management board
  investors ir reception frontdesk general all everyone list marketing-team`.split(/\s+/),
);

/** A role account's local part (`sales`, `info`, `no-reply`, `support+eu`…). */
export function isRoleAccount(local: string): boolean {
  const base = local.split('+')[0].replace(/[._-]/g, '');
  return ROLE.has(base);
}
