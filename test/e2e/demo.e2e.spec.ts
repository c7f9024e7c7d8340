import { runDemo } from '../../demo/demo';
import { testEnv } from '../support/test-app';

/** `npm run demo`: the README's account example, offline, against the bundled demo site. */
describe('npm run demo', () => {
  it('serves the demo site, enriches it through the API and prints the sourced profile', async () => {
    const lines: string[] = [];
    const account = await runDemo(testEnv(), (l) => lines.push(l));
    expect(account.processed_data).toMatchObject({
      company_name: 'Brightforge',
      founded_year: 2016,
      linkedin_url: 'https://www.linkedin.com/company/brightforge-robotics',
    });
    expect(account.processed_data.customers).toEqual(expect.arrayContaining(['Globex', 'Initech']));
    const text = lines.join('\n');
    expect(text).toMatch(/Demo company site: http:\/\/127\.0\.0\.1:\d+\//);
    expect(text).toContain('"company_name": "Brightforge"');
    // Provenance: the name was scraped from the site.
    expect(text).toMatch(/name\s+scrape\s+\S+.*← http:\/\/127\.0\.0\.1:\d+\//);
  });
});
