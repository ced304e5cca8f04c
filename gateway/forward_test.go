package gateway

import (
	"context"
	"testing"
)

// A forwarded trail opens a ticket for the one who forwarded it; the mails of
// the trail are kept on the message, each with its sender and subject.
func TestForwardedTrailKeepsForwarderAsRequester(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	raw := crlf(`From: Tom <tom@acme.example>
To: support@desk.example
Subject: FW: Severity 2 - Acme - labels failing again
Message-ID: <fw1@acme.example>

Support, the last two mails below are the relevant ones.

________________________________
From: Ann Lee <ann@acme.example>
Sent: Tuesday, 4 March 2025 09:10
To: Tom <tom@acme.example>
Subject: RE: labels failing again

Still failing for AU to NZ.

________________________________
From: Tom <tom@acme.example>
Sent: Tuesday, 4 March 2025 08:55
To: Ann Lee <ann@acme.example>
Subject: labels failing again

Are labels failing for you too?
`)
	if _, err := send(t, d.Addr(), "tom@acme.example", []string{"support@desk.example"}, raw); err != nil {
		t.Fatal(err)
	}
	tk, err := d.Store.Ticket(context.Background(), "TKT", 1)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Requester != "tom@acme.example" || tk.Severity != 2 || tk.Summary != "labels failing again" {
		t.Errorf("ticket = %s %d %q", tk.Requester, tk.Severity, tk.Summary)
	}
	in := tk.Messages[0]
	if len(in.Forwarded) != 2 || in.Forwarded[0].Subject != "RE: labels failing again" ||
		in.Forwarded[1].Text != "Are labels failing for you too?" {
		t.Fatalf("forwarded trail = %+v", in.Forwarded)
	}
	if in.NewText != "Support, the last two mails below are the relevant ones." {
		t.Errorf("new text = %q", in.NewText)
	}
}
