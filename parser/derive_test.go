package parser

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const outlookBlock = "From: OmniParcel Support <support@omniparcel.example>\r\n" +
	"Sent: Tuesday, 4 March 2025 8:15 PM\r\nTo: Priya <priya@acme.example>\r\nSubject: labels not printing\r\n\r\n" +
	"Could you re-select the printer profile?\r\n"

func TestReplyQuoteIsNoForwardedTrail(t *testing.T) {
	for _, tc := range []struct {
		subject       string
		wantForwarded int
	}{
		{"RE: [TKT-1] labels not printing", 0},
		{"FW: labels not printing", 1},
		{"WG: Etiketten", 1},
		{"[EXTERNAL] Fwd: labels", 1},
	} {
		raw := "From: priya@acme.example\r\nSubject: " + tc.subject + "\r\n\r\n" +
			"Labels print again.\r\n\r\n________________________________\r\n" + outlookBlock
		msg, err := Parse([]byte(raw))
		checkMessage(t, msg, err)
		if len(msg.Forwarded) != tc.wantForwarded {
			t.Errorf("%q: %d forwarded mails, want %d: %+v", tc.subject, len(msg.Forwarded), tc.wantForwarded, msg.Forwarded)
		}
		if msg.Reply.NewText != "Labels print again." {
			t.Errorf("%q: new text %q", tc.subject, msg.Reply.NewText)
		}
	}
}

func TestGmailForwardMarkerWithoutPrefix(t *testing.T) {
	raw := "From: tom@acme.example\r\nSubject: labels again\r\n\r\nSee below, same as last week.\r\n\r\n" +
		"---------- Forwarded message ---------\r\nFrom: Ann <ann@acme.example>\r\nDate: Mon, 3 Mar 2025 at 09:00\r\n" +
		"Subject: labels\r\nTo: <tom@acme.example>\r\n\r\nNo labels since 8am.\r\n"
	msg, _ := Parse([]byte(raw))
	if len(msg.Forwarded) != 1 || !strings.Contains(msg.Forwarded[0].From, "ann@acme.example") ||
		msg.Forwarded[0].Subject != "labels" {
		t.Fatalf("forwarded = %+v", msg.Forwarded)
	}
}

// embed wraps inner as a message/rfc822 attachment of a new mail.
func embed(inner string, n int) string {
	return fmt.Sprintf("From: level%d@acme.example\r\nSubject: level %d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n"+
		"--b%d\r\nContent-Type: text/plain\r\n\r\nwrapper %d\r\n--b%d\r\nContent-Type: message/rfc822\r\n\r\n%s\r\n--b%d--\r\n",
		n, n, n, n, n, n, inner, n)
}

func TestEmbeddedMessagesAreParsed(t *testing.T) {
	inner := "From: Ann <ann@acme.example>\r\nSubject: original problem\r\nDate: Mon, 3 Mar 2025 09:00:00 +0000\r\n\r\nNo labels since 8am.\r\n"
	msg, err := Parse([]byte(embed(inner, 1)))
	checkMessage(t, msg, err)
	if len(msg.Forwarded) != 1 {
		t.Fatalf("forwarded = %+v", msg.Forwarded)
	}
	f := msg.Forwarded[0]
	if f.From != "Ann <ann@acme.example>" || f.Subject != "original problem" || f.Date != "2025-03-03T09:00:00Z" ||
		!strings.Contains(f.Text, "No labels since 8am.") {
		t.Errorf("embedded mail read as %+v", f)
	}
	// Nesting is bounded: a deep chain parses without unbounded recursion.
	deep := inner
	for i := range 40 {
		deep = embed(deep, i+2)
	}
	msg, err = Parse([]byte(deep))
	checkMessage(t, msg, err)
	// Every level that is parsed counts in the trail; deeper ones stay files.
	if len(msg.Forwarded) != maxEmbedDepth {
		t.Errorf("top level of a deep chain: %d forwarded, want %d", len(msg.Forwarded), maxEmbedDepth)
	}
}

func TestEmbeddedMailsCountAndCarryProblems(t *testing.T) {
	inner := "From: Ann <ann@acme.example>\r\nSubject: original problem\r\nDate: yesterday\r\n\r\nNo labels since 8am.\r\n"
	msg, err := Parse([]byte(embed(embed(inner, 1), 2)))
	checkMessage(t, msg, err)
	var from []string
	for _, f := range msg.Forwarded {
		from = append(from, f.From)
	}
	if strings.Join(from, ",") != "level1@acme.example,Ann <ann@acme.example>" {
		t.Errorf("forwarded from %q, want the attached mail and the one it carries", from)
	}
	want := "attached mail 1: attached mail 1: Date header unreadable: yesterday"
	if !slices.Contains(msg.Problems, want) {
		t.Errorf("problems %q lack %q", msg.Problems, want)
	}
}

func TestEmptyEmbeddedMailIsAProblemNotATrailEntry(t *testing.T) {
	for _, inner := range []string{"", "\r\n\r\n", "X-Nothing: here\r\n\r\n"} {
		msg, err := Parse([]byte(embed(inner, 1)))
		checkMessage(t, msg, err)
		if len(msg.Forwarded) != 0 {
			t.Errorf("%q: forwarded %+v, want none", inner, msg.Forwarded)
		}
		if !slices.ContainsFunc(msg.Problems, func(p string) bool { return strings.HasPrefix(p, "attached mail 1: ") }) {
			t.Errorf("%q: problems %q say nothing of the empty attached mail", inner, msg.Problems)
		}
	}
}

func TestForwardDate(t *testing.T) {
	for in, want := range map[string]string{
		"Mon, 3 Mar 2025 09:00:00 +0100":       "2025-03-03T08:00:00Z",
		"Tue, 4 Mar 2025 20:15:00 -0500 (EST)": "2025-03-05T01:15:00Z",
		"Mon, Mar 3, 2025 at 9:00 AM +0100":    "2025-03-03T08:00:00Z",
		"Tuesday, March 4, 2025 8:15 PM +0000": "2025-03-04T20:15:00Z",
		"2025-03-03T09:00:00+02:00":            "2025-03-03T07:00:00Z",
		"Tuesday, 4 March 2025 8:15 PM":        "Tuesday, 4 March 2025 8:15 PM", // no zone: as written
		"Mon, 3 Mar 2025 at 09:00":             "Mon, 3 Mar 2025 at 09:00",
		"  ":                                   "",
	} {
		if got := forwardDate(in); got != want {
			t.Errorf("forwardDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBodyTrailDatesAreNormalised(t *testing.T) {
	raw := "From: tom@acme.example\r\nSubject: Fwd: labels\r\n\r\nSee below.\r\n\r\n" +
		"---------- Forwarded message ---------\r\nFrom: Ann <ann@acme.example>\r\nDate: Mon, 3 Mar 2025 09:00:00 +0100\r\n" +
		"Subject: labels\r\nTo: <tom@acme.example>\r\n\r\nNo labels since 8am.\r\n"
	msg, err := Parse([]byte(raw))
	checkMessage(t, msg, err)
	if len(msg.Forwarded) != 1 || msg.Forwarded[0].Date != "2025-03-03T08:00:00Z" {
		t.Errorf("forwarded = %+v, want the date as RFC 3339 UTC", msg.Forwarded)
	}
}
