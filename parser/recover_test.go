package parser

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// The recover boundary parse defers: a panic below it becomes a typed error,
// a problem and a valid Kind. The same function parse defers is driven here
// by a panic of our own, since no known input makes the parser panic.
func TestRecoverFailure(t *testing.T) {
	run := func(f func(msg *Message)) (msg *Message, err error) {
		msg = &Message{Subject: "read before the failure"}
		defer recoverFailure(msg, &err)
		f(msg)
		return msg, nil
	}
	msg, err := run(func(*Message) { panic("index out of range") })
	if !errors.Is(err, ErrParserFailure) || errors.Is(err, ErrUnreadable) {
		t.Errorf("error %v: want ErrParserFailure and not ErrUnreadable", err)
	}
	if !slices.Equal(msg.Problems, []string{"parser failure: index out of range"}) {
		t.Errorf("problems %q", msg.Problems)
	}
	if msg.Kind != KindHuman || msg.Subject != "read before the failure" {
		t.Errorf("kind %q subject %q: want human and what was read", msg.Kind, msg.Subject)
	}
	if n := parserFailures(msg, err); n != 1 {
		t.Errorf("parserFailures = %d, want 1", n)
	}
	// A panic after the classification keeps the Kind found.
	msg, _ = run(func(m *Message) { m.Kind = KindBounce; panic(errors.New("nil map")) })
	if msg.Kind != KindBounce {
		t.Errorf("kind %q, want bounce kept", msg.Kind)
	}
	// No panic: no error, no problem.
	msg, err = run(func(*Message) {})
	if err != nil || len(msg.Problems) != 0 {
		t.Errorf("no panic gave %v, %q", err, msg.Problems)
	}
	// A failure inside an attached mail is counted at the top.
	if n := parserFailures(&Message{Problems: []string{"attached mail 2: parser failure: boom"}}, nil); n != 1 {
		t.Errorf("parserFailures of an attached mail's failure = %d, want 1", n)
	}
}

func TestEmptyMessageIsAProblem(t *testing.T) {
	for _, raw := range []string{"", "\r\n", "  \n\n"} {
		msg, err := Parse([]byte(raw))
		checkMessage(t, msg, err)
		if !slices.Contains(msg.Problems, "empty message") {
			t.Errorf("%q: problems %q lack \"empty message\"", raw, msg.Problems)
		}
	}
}

func TestValidHTMLOnlyMailHasNoProblem(t *testing.T) {
	raw := "From: ann@acme.example\r\nTo: desk@acme.example\r\nSubject: labels\r\nDate: Mon, 3 Mar 2025 09:00:00 +0000\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>No labels since 8am.</p>\r\n"
	msg, err := Parse([]byte(raw))
	checkMessage(t, msg, err)
	if len(msg.Problems) != 0 {
		t.Errorf("problems %q, want none for a valid HTML-only mail", msg.Problems)
	}
	if !strings.Contains(msg.Text, "No labels since 8am.") {
		t.Errorf("text %q not derived from the HTML", msg.Text)
	}
}
