import {
  employerIn,
  isOwnOrganization,
  isTitleLike,
  linkedinProfile,
  nameIn,
  nameParts,
  splitNameTitle,
  tidyTitle,
} from '../../../src/providers/builtin-web/people/person-text';

/** The string rules every markup class of the team-page reader shares. */
describe('names and titles on team pages', () => {
  it.each([
    ['Jane Doe', 'Jane Doe'],
    ['  María  José García ', 'María José García'],
    ['Dr. Anna Schmidt', 'Anna Schmidt'],
    ['Prof. Dr. Jan van der Berg', 'Jan van der Berg'],
    ['Emily Carter, DDS', 'Emily Carter'],
    ['Wilhelm Kraus, CPA, MBA', 'Wilhelm Kraus'],
    ['Martin Luther King Jr.', 'Martin Luther King'],
    ['JANE O’BRIEN', 'Jane O’Brien'],
    ['Anne-Sophie Lefèvre', 'Anne-Sophie Lefèvre'],
    ['J. Robert Oppenheimer', 'J. Robert Oppenheimer'],
    ['June Okonkwo', 'June Okonkwo'],
  ])('%j is the name %j', (text, name) => {
    expect(nameIn(text)).toBe(name);
  });

  it.each([
    'Our Team',
    'Meet the Founders',
    'Chief Executive Officer',
    'New York',
    'San Francisco Office',
    'Privacy Policy',
    'Email LinkedIn',
    'jane@acme.com',
    'Series B 2024',
    'IBM Watson',
    'Jane',
    'Jane D.',
    'the quick brown fox',
    'Ludwig Van Beethoven Strauss Mozart Haydn',
  ])('%j is not a name', (text) => {
    expect(nameIn(text)).toBeNull();
  });

  it.each([
    'CEO',
    'Co-founder & CTO',
    'VP, Clinical Operations',
    'Head of Customer Success',
    'Geschäftsführerin',
    'Vertriebsleiterin',
    'Technischer Leiter',
    'Directeur technique',
    'Chargée de clientèle',
    'Jefa de Ventas',
    'Managing Partner',
  ])('%j is a title', (text) => {
    expect(isTitleLike(text)).toBe(true);
  });

  it('is not fooled by sentences, addresses or plain words; persona titles count too', () => {
    expect(
      isTitleLike('Our engineers and designers work from Berlin, Lisbon and remote across Europe.'),
    ).toBe(false);
    expect(isTitleLike('Jane Doe')).toBe(false);
    expect(isTitleLike('Sleep Coach')).toBe(false);
    expect(isTitleLike('Sleep Coach', ['sleep coach'])).toBe(true);
    expect(isTitleLike('Senior Sleep Coach, Nights', ['Sleep Coach'])).toBe(true);
  });

  it('splits a name and a title on one line, in either order', () => {
    expect(splitNameTitle('Gregory Ashford — President & CEO')).toEqual({
      name: 'Gregory Ashford',
      title: 'President & CEO',
    });
    expect(splitNameTitle('Patricia Nwosu, Chair')).toEqual({
      name: 'Patricia Nwosu',
      title: 'Chair',
    });
    expect(splitNameTitle('CTO: Samir Haddad')).toEqual({
      name: 'Samir Haddad',
      title: 'CTO',
    });
    expect(splitNameTitle('Naomi Castellanos (Chief Medical Officer)')).toEqual({
      name: 'Naomi Castellanos',
      title: 'Chief Medical Officer',
    });
    expect(splitNameTitle('Victor Lemaire — VP, Clinical Operations')).toEqual({
      name: 'Victor Lemaire',
      title: 'VP, Clinical Operations',
    });
    expect(splitNameTitle('Read more – About us')).toBeNull();
  });

  it('tidies the labels and handles that trail a title', () => {
    expect(tidyTitle('CEO — LinkedIn')).toBe('CEO');
    expect(tidyTitle('CTO — @samokafor_bots')).toBe('CTO');
    expect(tidyTitle('CFO · +1 (555) 010-0199')).toBe('CFO');
    expect(tidyTitle('Partner, Tax Advisory')).toBe('Partner, Tax Advisory');
  });

  it('tells the organisation’s own people from another employer named in the title', () => {
    const org = { name: 'Summit HR', domain: 'summit-hr.com' };
    expect(employerIn('CTO at Initrode')).toBe('Initrode');
    expect(employerIn('Head of Operations, Globex Corp')).toBe('Globex Corp');
    expect(employerIn('VP, Clinical Operations')).toBeNull();
    expect(isOwnOrganization('Initrode', org)).toBe(false);
    expect(isOwnOrganization('Summit HR, Inc.', org)).toBe(true);
    expect(isOwnOrganization('summit-hr', { domain: 'summit-hr.com' })).toBe(true);
  });

  it('normalises LinkedIn profile links and ignores other LinkedIn pages', () => {
    expect(linkedinProfile('https://uk.linkedin.com/in/harrietquill/?trk=x')).toBe(
      'https://www.linkedin.com/in/harrietquill',
    );
    expect(linkedinProfile('https://www.linkedin.com/company/acme')).toBeNull();
    expect(linkedinProfile('https://evil.test/in/jane')).toBeNull();
  });

  it('splits first and last names, particles with the last name', () => {
    expect(nameParts('Jan van der Berg')).toEqual({ first_name: 'Jan', last_name: 'van der Berg' });
  });
});
