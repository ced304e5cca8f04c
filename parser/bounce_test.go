package parser

import (
	"reflect"
	"strings"
	"testing"
)

// Bounces as the big MTAs write them, the failures they report, and mails
// that look like bounces but are none.

const postfixUserUnknown = `Return-Path: <>
Received: by mail.desk.example (Postfix) id 4BQ1Zx0cR3z9; Tue,  4 Mar 2025 10:02:11 +0100 (CET)
Date: Tue,  4 Mar 2025 10:02:11 +0100 (CET)
From: MAILER-DAEMON@mail.desk.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: support@desk.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4BQ1Zx0cR3z9.1741078931/mail.desk.example"
Message-Id: <20250304090211.4BQ1Zx0cR3z9@mail.desk.example>

This is a MIME-encapsulated message.

--4BQ1Zx0cR3z9.1741078931/mail.desk.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.desk.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<anna@client.example>: host mx.client.example[203.0.113.5] said: 550 5.1.1
    <anna@client.example>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--4BQ1Zx0cR3z9.1741078931/mail.desk.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.desk.example
X-Postfix-Queue-ID: 4BQ1Zx0cR3z9
X-Postfix-Sender: rfc822; support@desk.example
Arrival-Date: Tue,  4 Mar 2025 10:02:10 +0100 (CET)

Final-Recipient: rfc822; anna@client.example
Original-Recipient: rfc822;Anna@Client.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.client.example
Diagnostic-Code: smtp; 550 5.1.1 <anna@client.example>: Recipient address
    rejected: User unknown in virtual mailbox table

--4BQ1Zx0cR3z9.1741078931/mail.desk.example
Content-Description: Undelivered Message
Content-Type: message/rfc822

From: Acme Support <support@desk.example>
To: anna@client.example
Subject: [TKT-12] We received your request
Message-ID: <TKT-12.1.1741078930@desk.example>

Your request is ticket TKT-12.

--4BQ1Zx0cR3z9.1741078931/mail.desk.example--
`

// postfixMailboxFull reports two recipients, one over quota and one
// unknown, the first with a 5.x.x code that sisimai still counts as soft.
const postfixMailboxFull = `From: MAILER-DAEMON@mail.desk.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: support@desk.example
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

This is the mail system at host mail.desk.example.

<ops@carrier.example>: host mx.carrier.example[198.51.100.20] said: 552 5.2.2
    <ops@carrier.example>: Mailbox full (in reply to RCPT TO command)
<nobody@carrier.example>: host mx.carrier.example[198.51.100.20] said: 550
    5.1.1 <nobody@carrier.example>: User unknown (in reply to RCPT TO command)

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.desk.example

Final-Recipient: rfc822; ops@carrier.example
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 552 5.2.2 <ops@carrier.example>: Mailbox full

Final-Recipient: rfc822; nobody@carrier.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <nobody@carrier.example>: User unknown

--b1--
`

// exchangeOnline is an Office 365 non-delivery report.
const exchangeOnline = `From: Microsoft Outlook <postmaster@contoso.onmicrosoft.com>
To: <support@desk.example>
Date: Wed, 5 Mar 2025 08:14:02 +0000
Subject: Undeliverable: [TKT-7] Labels not printing
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type=delivery-status;
	boundary="_000_ndr"
X-MS-Exchange-Message-Is-Ndr:

--_000_ndr
Content-Type: text/plain; charset="us-ascii"

Delivery has failed to these recipients or groups:

j.doe@fabrikam.example
The email address you entered couldn't be found. Please check the recipient's
email address and try to resend the message.

Diagnostic information for administrators:

Generating server: DM6PR02MB1234.namprd02.prod.outlook.com

j.doe@fabrikam.example
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient j.doe@fabrikam.example not found by SMTP address lookup'

--_000_ndr
Content-Type: message/delivery-status

Reporting-MTA: dns;DM6PR02MB1234.namprd02.prod.outlook.com
Received-From-MTA: dns;desk.example
Arrival-Date: Wed, 5 Mar 2025 08:14:01 +0000

Final-Recipient: rfc822;j.doe@fabrikam.example
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient j.doe@fabrikam.example not found by SMTP address lookup

--_000_ndr--
`

const gmailClassic = `From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: helpdesk.acme@gmail.com
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=ISO-8859-1

Delivery to the following recipient failed permanently:

     tom@nowhere.example

Technical details of permanent failure:
Google tried to deliver your message, but it was rejected by the server for the recipient domain nowhere.example by mx.nowhere.example. [198.51.100.7].

The error that the other server returned was:
550 5.1.1 <tom@nowhere.example>... User Unknown

----- Original message -----

From: helpdesk.acme@gmail.com
To: tom@nowhere.example
Subject: [TKT-3] Your consignment
`

const eximRcpt = `Return-path: <>
From: Mail Delivery System <Mailer-Daemon@relay.desk.example>
To: support@desk.example
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1tpXyZ-0003AD-Ga@relay.desk.example>
X-Failed-Recipients: lisa@semco.example

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  lisa@semco.example
    host mx1.semco.example [192.0.2.44]
    SMTP error from remote mail server after RCPT TO:<lisa@semco.example>:
    550 5.1.1 <lisa@semco.example>: Recipient address rejected: User unknown

------ This is a copy of the message, including all the headers. ------

From: support@desk.example
To: lisa@semco.example
Subject: [TKT-9] Done
`

// eximExpired names no status code: the reason's code stands in for one.
const eximExpired = `From: Mail Delivery System <Mailer-Daemon@relay.desk.example>
To: support@desk.example
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1tpXyZ-0003AE-Hb@relay.desk.example>

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  depot@warehouse.example
    retry timeout exceeded

------ This is a copy of the message, including all the headers. ------

Subject: [TKT-10] Pickup
`

const qmailBounce = `From: MAILER-DAEMON@mx.isp.example
To: support@desk.example
Subject: failure notice

Hi. This is the qmail-send program at mx.isp.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<bob@example.org>:
203.0.113.9 does not like recipient.
Remote host said: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table
Giving up on 203.0.113.9.

--- Below this line is a copy of the message.

Return-Path: <support@desk.example>
Subject: [TKT-4] Update
`

// outOfOffice is an automatic reply: no bounce, whatever its words.
const outOfOffice = `From: Jana Novak <jana@client.example>
To: support@desk.example
Subject: Automatic reply: [TKT-5] Labels not printing
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
Content-Type: text/plain; charset=utf-8

I am out of the office until Monday 10 March with limited access to email.
Undeliverable parcels are handled by my colleague Petr.
`

// humanUndelivered is a person asking about a bounce, with its subject.
const humanUndelivered = `From: "Jane Doe" <jane@client.example>
To: support@desk.example
Subject: Re: Undelivered Mail Returned to Sender
Content-Type: text/plain; charset=utf-8

Hello, when I write to orders@acme.example I get this Undelivered Mail
message back. It says "550 5.1.1 User unknown". Can you check the address?

Jane
`

// humanForward is a person forwarding an Exim notice to the desk.
const humanForward = `From: "Jane Doe" <jane@client.example>
To: support@desk.example
Subject: Fwd: Mail delivery failed: returning message to sender

What does this mean?

-------- Forwarded Message --------
This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  orders@acme.example
    SMTP error from remote mail server after RCPT TO:<orders@acme.example>:
    550 5.1.1 User unknown
`

// postmasterPerson is a person writing from a postmaster address about a
// delivery failure of parcels: machine-like sender and subject, no notice.
const postmasterPerson = `From: Postmaster <postmaster@client.example>
To: support@desk.example
Subject: Delivery failure of parcels to Brno
Content-Type: text/plain; charset=utf-8

Hello, since Monday we see a delivery failure for every parcel to Brno.
Please call our dispatcher bob@client.example, it is a permanent error.
`

// humanPastedReport is a person pasting a report's fields into a mail.
const humanPastedReport = `From: "Jane Doe" <jane@client.example>
To: support@desk.example
Subject: Our mails to you bounce
Content-Type: text/plain; charset=utf-8

Our server returned this:

Final-Recipient: rfc822; support@desk.example
Action: failed
Status: 5.7.1
Diagnostic-Code: smtp; 550 5.7.1 Relaying denied
`

// feedbackReport is an RFC 5965 abuse report.
const feedbackReport = `From: feedback@fbl.isp.example
To: abuse@desk.example
Subject: FW: [TKT-8] Newsletter
Content-Type: multipart/report; report-type=feedback-report; boundary="fb"

--fb
Content-Type: text/plain

This is an email abuse report for an email message received from IP 192.0.2.10.

--fb
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: FBL/1.0
Version: 1
Original-Mail-From: <support@desk.example>
Original-Rcpt-To: <Complainer@isp.example>

--fb--
`

// junkMailReport is a complaint of Microsoft's Junk Mail Reporting Program.
const junkMailReport = `From: staff@hotmail.com
To: abuse@desk.example
Subject: complaint about message from 192.0.2.10
Content-Type: multipart/mixed; boundary="jm"

--jm
Content-Type: message/rfc822
Content-Disposition: inline

X-HmXmrOriginalRecipient: Complainer@outlook.example
From: Support <support@desk.example>
To: complainer@outlook.example
Subject: [TKT-8] Newsletter

Hello
--jm--
`

// humanComplaint is a person attaching a mail under a like subject.
var humanComplaint = strings.NewReplacer("From: staff@hotmail.com", "From: Jana <jana@client.example>",
	"X-HmXmrOriginalRecipient: Complainer@outlook.example\n", "").Replace(junkMailReport)

// mailMarshal states the answer above the recipient list.
const mailMarshal = `From: postmaster@relay.example
To: support@desk.example
Subject: Undeliverable Mail: "Newsletter"
Content-Type: text/plain

Your message:

   From:    support@desk.example
   Subject: Newsletter

Could not be delivered because of

550 5.1.1 User unknown

The following recipients were affected:
    anna@client.example

Additional Information
======================
Original Sender:    <support@desk.example>
`

func TestDetectBounce(t *testing.T) {
	tests := []struct {
		name string
		mail string
		want []Bounce // nil: no bounce
	}{
		{"Postfix DSN, user unknown", postfixUserUnknown, []Bounce{{Recipient: "anna@client.example", Status: "5.1.1", ReplyCode: 550, Hard: true, Reason: "userunknown"}}},
		{"Postfix DSN, mailbox full and user unknown", postfixMailboxFull, []Bounce{
			{Recipient: "ops@carrier.example", Status: "5.2.2", ReplyCode: 552, Hard: false, Reason: "mailboxfull"},
			{Recipient: "nobody@carrier.example", Status: "5.1.1", ReplyCode: 550, Hard: true, Reason: "userunknown"},
		}},
		{"Exchange Online NDR", exchangeOnline, []Bounce{{Recipient: "j.doe@fabrikam.example", Status: "5.1.10", ReplyCode: 550, Hard: true, Reason: "userunknown"}}},
		{"Gmail classic", gmailClassic, []Bounce{{Recipient: "tom@nowhere.example", Status: "5.1.1", ReplyCode: 550, Hard: true, Reason: "userunknown"}}},
		{"Exim RCPT refused", eximRcpt, []Bounce{{Recipient: "lisa@semco.example", Status: "5.1.1", ReplyCode: 550, Hard: true, Reason: "userunknown"}}},
		{"Exim retry timeout", eximExpired, []Bounce{{Recipient: "depot@warehouse.example", Status: "4.0.947", Hard: false, Reason: "expired"}}},
		{"qmail", qmailBounce, []Bounce{{Recipient: "bob@example.org", Status: "5.1.1", ReplyCode: 550, Hard: true, Reason: "userunknown"}}},
		{"feedback report", feedbackReport, []Bounce{{Recipient: "complainer@isp.example", Reason: "feedback"}}},
		{"out of office", outOfOffice, nil},
		{"person quoting Undelivered Mail", humanUndelivered, nil},
		{"person forwarding a bounce", humanForward, nil},
		{"postmaster writing about parcels", postmasterPerson, nil},
		{"person pasting a report's fields", humanPastedReport, nil},
		{"JMRP complaint", junkMailReport, []Bounce{{Recipient: "complainer@outlook.example", Reason: "feedback"}}},
		{"person attaching a mail under a complaint subject", humanComplaint, nil},
		{"MailMarshal, answer above the recipient", mailMarshal, []Bounce{{Recipient: "anna@client.example", Status: "5.1.1", ReplyCode: 550, Hard: true, Reason: "userunknown"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, raw := range [][]byte{[]byte(tt.mail), crlf(tt.mail)} {
				msg, _ := mustParse(t, raw)
				got := recipients(DetectBounce(raw, msg))
				if len(got) != len(tt.want) {
					t.Fatalf("got %s, want %d recipients %+v", describeBounces(got), len(tt.want), tt.want)
				}
				for i := range got {
					got[i].Others = nil
					if !reflect.DeepEqual(got[i], tt.want[i]) {
						t.Errorf("recipient %d = %+v, want %+v", i+1, got[i], tt.want[i])
					}
				}
				// Without the parsed message DetectBounce parses itself.
				if again := recipients(DetectBounce(raw, nil)); len(again) != len(got) {
					t.Errorf("DetectBounce(raw, nil) gave %d recipients, with msg %d", len(again), len(got))
				}
			}
		})
	}
}

// A bounce of an automatic reply is still a bounce.
func TestDetectBounceOfAutoReply(t *testing.T) {
	mail := strings.Replace(eximRcpt, "Subject: [TKT-9] Done", "Subject: Automatic reply: [TKT-9] Done", 1)
	mail = strings.Replace(mail, "Subject: Mail delivery failed: returning message to sender", "Subject: Mail delivery failed: Automatic reply: Out of Office", 1)
	b := DetectBounce([]byte(mail), nil)
	if b == nil || b.Recipient != "lisa@semco.example" || b.Status != "5.1.1" {
		t.Fatalf("DetectBounce = %+v, want lisa@semco.example 5.1.1", b)
	}
}

// A success report says nothing failed.
func TestDetectBounceDelivered(t *testing.T) {
	mail := strings.NewReplacer("Action: failed", "Action: delivered", "Status: 5.1.1", "Status: 2.0.0",
		"Diagnostic-Code: smtp; 550 5.1.1 <anna@client.example>: Recipient address\n    rejected: User unknown in virtual mailbox table",
		"Diagnostic-Code: smtp; 250 2.0.0 Ok").Replace(postfixUserUnknown)
	if b := DetectBounce([]byte(mail), nil); b != nil {
		t.Fatalf("DetectBounce of a delivery report = %+v, want nil", *b)
	}
}
