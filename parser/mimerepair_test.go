package parser

import (
	"slices"
	"strings"
	"testing"
)

// Malformed multiparts (shaped after Stalwart's malformed/005, 009, 014 and
// 016) give their text parts, never boundary lines or part headers.
func TestStrayBoundaryLinesAreNoText(t *testing.T) {
	for _, tc := range []struct {
		name, raw, text, html string
	}{
		{"inner multipart closed by the outer delimiter",
			"Content-Type: multipart/mixed; boundary=\"1\"\n\n--1\nContent-Type: multipart/mixed; boundary=\"2\"\n\n" +
				"--2\nContent-Type: text/plain\n\n1\n--2\nContent-Type: text/plain\n\n22\n--1\nContent-Type: text/plain\n\n333\n",
			"1\n\n22\n\n333", ""},
		{"unclosed nested multipart with the same boundary",
			"Content-Type: multipart/mixed; boundary=\"1\"\n\n--1\nContent-Type: text/plain\n\nhello, world\n--1\n",
			"hello, world", ""},
		{"boundaries that are prefixes of each other",
			"Content-Type: multipart/mixed; boundary=\"abcd\"\n\n--abcd\nContent-Type: multipart/mixed; boundary=\"abc\"\n\n" +
				"--abc\nContent-Type: text/plain\n\n1\n--abcd\nContent-Type: text/plain\n\n22\n--abc\nContent-Type: text/plain\n\n333\n",
			"1\n\n22\n\n333", ""},
		{"nothing the MIME reader can read",
			"Content-Type: multipart/mixed; boundary=\"a--\"\n\n--a--\nContent-Type: multipart/mixed; boundary=\"a----\"\n\n" +
				"--a----\nContent-Type: text/plain\n\nbody\n--a------\nContent-Type: text/html\n\nbody2\n--a----\n",
			"body", "body2"},
	} {
		msg, err := Parse([]byte(tc.raw))
		checkMessage(t, msg, err)
		if got := strings.TrimSpace(msg.Text); got != tc.text {
			t.Errorf("%s: text %q, want %q", tc.name, got, tc.text)
		}
		if got := strings.TrimSpace(msg.HTML); got != tc.html {
			t.Errorf("%s: html %q, want %q", tc.name, got, tc.html)
		}
		if len(msg.Problems) == 0 {
			t.Errorf("%s: no problem recorded for a malformed multipart", tc.name)
		}
		if tc.name != "inner multipart closed by the outer delimiter" && // read by enmime as it stands
			!slices.ContainsFunc(msg.Problems, func(p string) bool { return strings.Contains(p, "boundary lines") }) {
			t.Errorf("%s: problems %q do not say the structure was repaired", tc.name, msg.Problems)
		}
	}
}

// A well-formed mail is not touched: one part keeps its text as written, an
// inline text file stays an attachment and out of the text.
func TestWellFormedTextIsKept(t *testing.T) {
	raw := "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n  indented first line\n-- \nAnn\n" +
		"--b\nContent-Type: text/plain; name=\"list.txt\"\nContent-Disposition: inline; filename=\"list.txt\"\n\nA1\nA2\n--b--\n"
	msg, err := Parse([]byte(raw))
	checkMessage(t, msg, err)
	if msg.Text != "  indented first line\n-- \nAnn" {
		t.Errorf("text %q", msg.Text)
	}
	if len(msg.Attachments) != 1 || msg.Attachments[0].Filename != "list.txt" {
		t.Errorf("attachments %+v", msg.Attachments)
	}
	if len(msg.Problems) != 0 {
		t.Errorf("problems %q", msg.Problems)
	}
}

// When the top-level boundary never appears, what the other delimiters
// enclose is unknown: the whole body is kept, not one inner part of it.
func TestUnknownTopBoundaryKeepsTheWholeBody(t *testing.T) {
	raw := "Content-Type: multipart/report; boundary=\"declared\"\n\n--written\nContent-Type: text/plain\n\nNotification text\n" +
		"--written\nContent-Type: message/rfc822\n\nContent-Type: multipart/alternative; boundary=\"in\"\n\n" +
		"--in\nContent-Type: text/plain\n\ninner text\n--in--\n--written--\n"
	msg, err := Parse([]byte(raw))
	checkMessage(t, msg, err)
	if !strings.Contains(msg.Text, "Notification text") || !strings.Contains(msg.Text, "inner text") {
		t.Errorf("text %q lost part of the body", msg.Text)
	}
}
