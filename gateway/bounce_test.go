package gateway

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"postdesk/store"
	"postdesk/threading"
	"postdesk/ticket"
)

// dsn is an RFC 3464 delivery status notification in an RFC 6522
// multipart/report, as Postfix sends it, to return path verp about rcpt.
func dsn(verp, rcpt, msgID, action, status, diag string) []byte {
	return crlf(fmt.Sprintf(`Return-Path: <>
From: MAILER-DAEMON@mx1.desk.example (Mail Delivery System)
To: %[1]s
Subject: Undelivered Mail Returned to Sender
Message-ID: <%[3]s>
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

--B0UND
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.desk.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B0UND
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.desk.example

Final-Recipient: rfc822; %[2]s
Original-Recipient: rfc822;%[2]s
Action: %[4]s
Status: %[5]s
Diagnostic-Code: smtp; %[6]s

--B0UND
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: support@desk.example
To: %[2]s
Subject: [TKT-1] labels not printing

--B0UND--
`, verp, rcpt, msgID, action, status, diag))
}

// postfixText is a classic bounce: the notice's text only, no report part.
func postfixText(verp, rcpt, msgID string) []byte {
	return crlf(fmt.Sprintf(`From: MAILER-DAEMON@mx1.desk.example (Mail Delivery System)
To: %[1]s
Subject: Undelivered Mail Returned to Sender
Message-ID: <%[3]s>

This is the mail system at host mx1.desk.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<%[2]s>: host mx.client.example[192.0.2.25] said: 550 5.1.1
    <%[2]s>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)
`, verp, rcpt, msgID))
}

// openAndAck opens ticket n from anna and returns the acknowledgement the
// relay received, once the worker recorded it sent, and its outbox id.
func openAndAck(t *testing.T, d *desk, n int) (relayed, int64) {
	t.Helper()
	raw := fmt.Sprintf("From: Anna Client <anna@client.example>\nTo: support@desk.example\n"+
		"Subject: Severity 2 - Acme - problem %d\nMessage-ID: <p%d@client.example>\n\nIt broke again.\n", n, n)
	text, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(raw))
	if want := fmt.Sprintf("TKT-%d", n); err != nil || !strings.Contains(text, want) {
		t.Fatalf("open %s: %q, %v", want, text, err)
	}
	ack := d.relay.wait(t)
	secret, err := ReplySecret(context.Background(), d.Store, d.cfg, testDeps(d.clock, d.dns))
	if err != nil {
		t.Fatal(err)
	}
	id, ok := threading.ParseVERP(d.cfg.BounceAddress(), d.cfg.Desk.SubaddressDelimiter, ack.From, secret)
	if !ok || !strings.HasPrefix(ack.From, fmt.Sprintf("bounces+%d.", id)) || !strings.HasSuffix(ack.From, "@desk.example") {
		t.Fatalf("ack MAIL FROM %q is not a VERP return path of ours", ack.From)
	}
	if from := header(t, ack.Data).Get("From"); !strings.Contains(from, "<support@desk.example>") {
		t.Errorf("ack header From = %q, want the desk address", from)
	}
	waitFor(t, func() bool { o := outboxRow(t, d, id); return o.State == store.OutboxSent })
	return ack, id
}

func outboxRow(t *testing.T, d *desk, id int64) store.OutboxMail {
	t.Helper()
	all, err := d.Store.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		if o.ID == id {
			return o
		}
	}
	t.Fatalf("no outbox row %d", id)
	return store.OutboxMail{}
}

// notes are the reasons of a ticket's postdesk notes.
func notes(t *testing.T, d *desk, n int64) []string {
	var out []string
	for _, e := range status(t, d, n).Events {
		if e.Type == ticket.EventNote && e.Actor == "postdesk" {
			out = append(out, e.Reason)
		}
	}
	return out
}

func suppressed(t *testing.T, d *desk, addr string) (until time.Time, ok bool) {
	t.Helper()
	must(t, d.Store.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		until, _, ok, err = tx.Suppressed(addr, d.clock.Now())
		return err
	}))
	return until, ok
}

// counts are the rows a bounce must not add to: tickets and outbox mail.
func counts(t *testing.T, d *desk) (tickets, outbox int) {
	t.Helper()
	list, err := d.Store.ListTickets(context.Background(), store.TicketFilter{})
	must(t, err)
	out, err := d.Store.Outbox(context.Background())
	must(t, err)
	return len(list), len(out)
}

// The issue end to end: our mail leaves with a VERP return path; a DSN to
// it fails that delivery, is noted on the ticket, and opens or sends
// nothing; the same DSN again changes nothing; three hard bounces (a DSN, a
// classic text bounce, a DSN) suspend mail to the address.
func TestBounceEndToEnd(t *testing.T) {
	d := startDesk(t, testConfig(t), true)
	ctx := context.Background()
	ack, id := openAndAck(t, d, 1)

	bounce := dsn(ack.From, "anna@client.example", "dsn1@mx1.desk.example", "failed", "5.1.1",
		"550 5.1.1 <anna@client.example>: Recipient address rejected: User unknown")
	text, err := send(t, d.Addr(), "", []string{ack.From}, bounce)
	if err != nil || !strings.Contains(text, "Delivery report received") || strings.Contains(text, "TKT-") {
		t.Fatalf("DSN: %q, %v", text, err)
	}
	o := outboxRow(t, d, id)
	if o.State != store.OutboxFailed || o.LastError != "bounced: 5.1.1 userunknown (hard)" {
		t.Errorf("bounced row: state %s, last error %q", o.State, o.LastError)
	}
	attempts, _ := d.Store.Attempts(ctx, id)
	if n := len(attempts); n == 0 || attempts[n-1].Outcome != store.AttemptFailed || !strings.HasPrefix(attempts[n-1].Detail, "bounced: ") {
		t.Errorf("attempts = %+v", attempts)
	}
	want := fmt.Sprintf("mail to anna@client.example (ack, outbox %d) bounced: 5.1.1 userunknown", id)
	if got := notes(t, d, 1); !slices.Contains(got, want) {
		t.Errorf("TKT-1 notes = %q, want %q", got, want)
	}
	if tickets, outbox := counts(t, d); tickets != 1 || outbox != 1 {
		t.Fatalf("after the DSN: %d tickets, %d outbox rows; want 1, 1", tickets, outbox)
	}
	raws, _ := d.Store.RawMessages(ctx, store.RawProcessed)
	if len(raws) != 2 || !bytes.Equal(raws[1].Raw, bounce) || raws[1].Ref != "TKT-1" || raws[1].MailFrom != "" {
		t.Fatalf("DSN not kept byte for byte on TKT-1: %+v", raws)
	}

	// The same DSN again: nothing changes.
	before := status(t, d, 1)
	text, err = send(t, d.Addr(), "", []string{ack.From}, bounce)
	if err != nil || !strings.Contains(text, "Already received") {
		t.Fatalf("second DSN: %q, %v", text, err)
	}
	again, _ := d.Store.Attempts(ctx, id)
	raws, _ = d.Store.RawMessages(ctx, "")
	if after := status(t, d, 1); len(after.Events) != len(before.Events) || len(again) != len(attempts) || len(raws) != 2 {
		t.Errorf("second DSN changed something: events %d -> %d, attempts %d -> %d, raws %d",
			len(before.Events), len(after.Events), len(attempts), len(again), len(raws))
	}
	if _, ok := suppressed(t, d, "anna@client.example"); ok {
		t.Fatal("suspended after one hard bounce")
	}

	// A classic text bounce of the next ticket's ack counts as the second.
	d.clock.Advance(time.Hour)
	ack2, id2 := openAndAck(t, d, 2)
	if text, err := send(t, d.Addr(), "", []string{ack2.From}, postfixText(ack2.From, "anna@client.example", "pf2@mx1")); err != nil {
		t.Fatalf("classic bounce: %q, %v", text, err)
	}
	if o := outboxRow(t, d, id2); o.State != store.OutboxFailed || !strings.HasPrefix(o.LastError, "bounced: 5.1.1") {
		t.Errorf("row after a classic bounce: %s %q", o.State, o.LastError)
	}
	if _, ok := suppressed(t, d, "anna@client.example"); ok {
		t.Fatal("suspended after two hard bounces")
	}

	// The third within bounces.suspend_for suspends.
	d.clock.Advance(24 * time.Hour)
	ack3, _ := openAndAck(t, d, 3)
	if _, err := send(t, d.Addr(), "", []string{ack3.From}, dsn(ack3.From, "anna@client.example", "dsn3@mx1",
		"failed", "5.1.1", "550 5.1.1 User unknown")); err != nil {
		t.Fatal(err)
	}
	until, ok := suppressed(t, d, "anna@client.example")
	if wantUntil := d.clock.Now().Add(d.cfg.Bounces.SuspendFor); !ok || !until.Equal(wantUntil) {
		t.Fatalf("Suppressed = %v %v, want until %v", until, ok, wantUntil)
	}
	note := fmt.Sprintf("mail to anna@client.example suspended until %s after 3 hard bounces within 7 days",
		until.Format(time.RFC3339))
	if got := notes(t, d, 3); !slices.Contains(got, note) {
		t.Errorf("TKT-3 notes = %q, want %q", got, note)
	}
	if tickets, outbox := counts(t, d); tickets != 3 || outbox != 3 {
		t.Errorf("after three bounces: %d tickets, %d outbox rows; want 3, 3", tickets, outbox)
	}
	if len(d.relay.mails) != 0 {
		t.Errorf("%d mails sent in answer to bounces", len(d.relay.mails))
	}
	list, err := d.Store.Suppressions(ctx)
	if err != nil || len(list) != 1 || list[0].HardBounces != 3 {
		t.Errorf("Suppressions = %+v, %v", list, err)
	}

	// While suspended, a fourth ticket of hers opens but is not
	// acknowledged, and the ticket says why.
	raw := "From: anna@client.example\nTo: support@desk.example\nSubject: problem 4\nMessage-ID: <p4@client.example>\n\nagain\n"
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(raw)); err != nil {
		t.Fatal(err)
	}
	if tickets, outbox := counts(t, d); tickets != 4 || outbox != 3 {
		t.Errorf("while suspended: %d tickets, %d outbox rows; want 4, 3", tickets, outbox)
	}
	want = "ack mail to anna@client.example not sent: mail to this address is suspended until " + until.Format(time.RFC3339)
	if got := d.ticket(t, "TKT-4"); !hasEvent(got, want) {
		t.Errorf("TKT-4 does not say why it was not acknowledged: %+v", got.Events)
	}
}

// Only return paths with a valid token are mailboxes; the refusal is the
// plain unknown-mailbox reply.
func TestReturnPathRefusedWithoutToken(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	secret, err := ReplySecret(context.Background(), d.Store, d.cfg, testDeps(d.clock, d.dns))
	must(t, err)
	good := threading.VERPAddress(d.cfg.BounceAddress(), "+", 1, secret)
	_, tok, _ := strings.Cut(strings.TrimSuffix(good, "@desk.example"), ".")
	for _, rcpt := range []string{
		"bounces@desk.example", "bounces+1.aaaaaaaaaa@desk.example", "bounces+2." + tok + "@desk.example",
		"bounces+1." + tok + "@other.example",
	} {
		_, err := send(t, d.Addr(), "", []string{rcpt}, dsn(rcpt, "anna@client.example", "r@mx", "failed", "5.1.1", "550"))
		if smtpCode(err) != "550 5.1.1" || !strings.Contains(err.Error(), "no such mailbox") ||
			strings.Contains(strings.ToLower(err.Error()), "token") {
			t.Errorf("RCPT %s: %v, want the plain 550 5.1.1", rcpt, err)
		}
	}
	if raws, _ := d.Store.RawMessages(context.Background(), ""); len(raws) != 0 {
		t.Errorf("refused mail kept: %d", len(raws))
	}
}

// Mail to a return path that is no failure report, or a report that does
// not fail the row, is noted only; a soft failure fails the row without
// counting toward suspension; a row that is gone keeps the mail only.
func TestReturnPathMailThatIsNoHardBounce(t *testing.T) {
	const anna = "anna@client.example"
	for _, tc := range []struct {
		name  string
		id    int64
		mail  func(verp string) []byte
		state string // of the outbox row afterwards
		note  string // a note on TKT-1 contains it; "" for no note
	}{
		{"out of office", 1, func(verp string) []byte {
			return crlf("From: anna@client.example\nTo: " + verp + "\nSubject: Out of office: [TKT-1] x\n" +
				"Auto-Submitted: auto-replied\nMessage-ID: <ooo@client.example>\n\nI am away until Monday.\n")
		}, store.OutboxPending, `automatic answer to our mail to anna@client.example (ack, outbox 1) from anna@client.example: "Out of office: [TKT-1] x"`},
		{"delayed", 1, func(verp string) []byte {
			return dsn(verp, anna, "delay@mx1", "delayed", "4.4.1", "connect to mx.client.example: Connection timed out")
		}, store.OutboxPending, "mail to anna@client.example (ack, outbox 1) is delayed: 4.4.1"},
		{"mailbox full", 1, func(verp string) []byte {
			return dsn(verp, anna, "full@mx1", "failed", "5.2.2", "552 5.2.2 Mailbox full")
		}, store.OutboxFailed, "bounced: 5.2.2 mailboxfull (soft: not counted toward suspension)"},
		{"other recipient", 1, func(verp string) []byte {
			return dsn(verp, "carl@client.example", "other@mx1", "failed", "5.1.1", "550 5.1.1 User unknown")
		}, store.OutboxPending, "names other recipients (carl@client.example 5.1.1); nothing changed"},
		{"row gone", 99, func(verp string) []byte {
			return dsn(verp, anna, "gone@mx1", "failed", "5.1.1", "550 5.1.1 User unknown")
		}, store.OutboxPending, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := startDesk(t, testConfig(t), false)
			ctx := context.Background()
			if _, err := send(t, d.Addr(), anna, []string{"support@desk.example"}, crlf(firstMail)); err != nil {
				t.Fatal(err)
			}
			secret, err := ReplySecret(ctx, d.Store, d.cfg, testDeps(d.clock, d.dns))
			must(t, err)
			verp := threading.VERPAddress(d.cfg.BounceAddress(), "+", tc.id, secret)
			text, err := send(t, d.Addr(), "", []string{verp}, tc.mail(verp))
			if err != nil || !strings.Contains(text, "Delivery report received") {
				t.Fatalf("send: %q, %v", text, err)
			}
			if o := outboxRow(t, d, 1); o.State != tc.state {
				t.Errorf("row state %s, want %s (%q)", o.State, tc.state, o.LastError)
			}
			got := notes(t, d, 1)
			if tc.note == "" && len(got) != 0 || tc.note != "" && !slices.ContainsFunc(got, func(n string) bool {
				return strings.Contains(n, tc.note)
			}) {
				t.Errorf("notes %q, want one containing %q", got, tc.note)
			}
			if tickets, outbox := counts(t, d); tickets != 1 || outbox != 1 {
				t.Errorf("%d tickets, %d outbox rows; want 1, 1", tickets, outbox)
			}
			raws, _ := d.Store.RawMessages(ctx, store.RawProcessed)
			wantRef := "TKT-1"
			if tc.id == 99 {
				wantRef = ""
			}
			if len(raws) != 2 || raws[1].Ref != wantRef {
				t.Errorf("raw of the mail to the return path: %d processed, ref %q; want ref %q", len(raws), raws[len(raws)-1].Ref, wantRef)
			}
			if list, _ := d.Store.Suppressions(ctx); len(list) != 0 {
				t.Errorf("counted toward suspension: %+v", list)
			}
		})
	}
}
