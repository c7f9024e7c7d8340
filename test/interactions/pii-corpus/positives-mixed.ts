/** Transcript turns with several kinds of personal data at once, labelled. */
import { s, type CorpusSentence } from './corpus';

export const POSITIVE_MIXED: CorpusSentence[] = [
  s(
    'Speaker 1: Sure, email jane.doe@acme.com or call (415) 555-0132.',
    ['EMAIL', 'jane.doe@acme.com'],
    ['PHONE', '(415) 555-0132'],
  ),
  s(
    'My SSN is 123-45-6789 and my card is 4111 1111 1111 1111.',
    ['SSN', '123-45-6789'],
    ['CARD', '4111 1111 1111 1111'],
  ),
  s(
    'On March 3rd I paid $1,299.00 with 5555 5555 5555 4444 and got a call from 212-555-0147.',
    ['CARD', '5555 5555 5555 4444'],
    ['PHONE', '212-555-0147'],
  ),
  s(
    'Wire 4,500 euros to DE89 3704 0044 0532 0130 00 and email the receipt to finance@acme.co.',
    ['IBAN', 'DE89 3704 0044 0532 0130 00'],
    ['EMAIL', 'finance@acme.co'],
  ),
  s(
    'Logins from 203.0.113.42 used bob.jones@yahoo.com at 10:42 PM.',
    ['IP', '203.0.113.42'],
    ['EMAIL', 'bob.jones@yahoo.com'],
  ),
  s(
    'Call +44 20 7946 0958 or +44 7700 900123, ask for Tom, tom.h@bbc.co.uk.',
    ['PHONE', '+44 20 7946 0958'],
    ['PHONE', '+44 7700 900123'],
    ['EMAIL', 'tom.h@bbc.co.uk'],
  ),
  s(
    'So (415) 555-0132, yes, 415-555-0132, same number.',
    ['PHONE', '(415) 555-0132'],
    ['PHONE', '415-555-0132'],
  ),
  s(
    'Order 48213 shipped; questions to support@shop.example.com or 1-800-555-0199.',
    ['EMAIL', 'support@shop.example.com'],
    ['PHONE', '1-800-555-0199'],
  ),
  s(
    'SSN 401-23-8765, phone 303.555.0148, email p.ng@clinic.org.',
    ['SSN', '401-23-8765'],
    ['PHONE', '303.555.0148'],
    ['EMAIL', 'p.ng@clinic.org'],
  ),
  s(
    'Card 3782 822463 10005 exp 11/26, billing zip 94107, phone (650) 555-0172.',
    ['CARD', '3782 822463 10005'],
    ['PHONE', '(650) 555-0172'],
  ),
  s(
    'The VPN box 10.8.0.14 emails alerts to noc@acme.net.',
    ['IP', '10.8.0.14'],
    ['EMAIL', 'noc@acme.net'],
  ),
  s('Version 2.4.1 is deployed on 172.31.5.220 since 2024-02-01.', ['IP', '172.31.5.220']),
  s(
    'Speaker 0: Right, so my number is 917-555-0121 and my social is 234-56-7891.',
    ['PHONE', '917-555-0121'],
    ['SSN', '234-56-7891'],
  ),
  s(
    'IBAN GB82 WEST 1234 5698 7654 32, reference INV-2024-0042, contact +44 161 496 0753.',
    ['IBAN', 'GB82 WEST 1234 5698 7654 32'],
    ['PHONE', '+44 161 496 0753'],
  ),
  s(
    'Pay 15% upfront with card 4242-4242-4242-4242 then call 646 555 0190.',
    ['CARD', '4242-4242-4242-4242'],
    ['PHONE', '646 555 0190'],
  ),
  s(
    'Emails: jane.doe@acme.com, JANE.DOE@ACME.COM, both are mine.',
    ['EMAIL', 'jane.doe@acme.com'],
    ['EMAIL', 'JANE.DOE@ACME.COM'],
  ),
  s(
    'From 2001:db8::42 and 198.51.100.23 we saw ana@example.pt log in.',
    ['IP', '2001:db8::42'],
    ['IP', '198.51.100.23'],
    ['EMAIL', 'ana@example.pt'],
  ),
  s(
    'At 3:15 pm on 04/12/2024 she called from (202) 555-0186 about card 6011 1111 1111 1117.',
    ['PHONE', '(202) 555-0186'],
    ['CARD', '6011 1111 1111 1117'],
  ),
  s('Room 1204, floor 12, extension 4471; mobile +1 408 555 0119.', ['PHONE', '+1 408 555 0119']),
  s("I'm 42, make $85,000 a year, and my SSN is 512-38-9044.", ['SSN', '512-38-9044']),
  s(
    'Spanish IBAN ES91 2100 0418 4502 0005 1332 and Madrid phone +34 612 34 56 78.',
    ['IBAN', 'ES91 2100 0418 4502 0005 1332'],
    ['PHONE', '+34 612 34 56 78'],
  ),
  s('The v3.2.0 release notes went to release-team@oss.example.org on 2023-11-30.', [
    'EMAIL',
    'release-team@oss.example.org',
  ]),
  s(
    'Her card 4111111111111111 and SSN 219099999 (social security) were leaked.',
    ['CARD', '4111111111111111'],
    ['SSN', '219099999'],
  ),
  s(
    'Contact: Maria Lopez | maria.lopez@ventas.com.mx | +52 55 1234 5678',
    ['EMAIL', 'maria.lopez@ventas.com.mx'],
    ['PHONE', '+52 55 1234 5678'],
  ),
  s(
    'Ticket 77123: user at 192.168.10.77 called (408) 555-0155 twice.',
    ['IP', '192.168.10.77'],
    ['PHONE', '(408) 555-0155'],
  ),
  s('Paid €1.200,50 from NL91ABNA0417164300 on 15.03.2024.', ['IBAN', 'NL91ABNA0417164300']),
];
