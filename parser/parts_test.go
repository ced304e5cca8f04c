package parser

import (
	"slices"
	"strings"
	"testing"
)

func TestImplicitTextPartsJoinTheBody(t *testing.T) {
	raw := "From: a@x.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\n\r\nimplicitly typed text\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nexplicit text\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n%PDF\r\n" +
		"--b--\r\n"
	msg, err := Parse([]byte(raw))
	checkMessage(t, msg, err)
	if msg.Text != "implicitly typed text\n\nexplicit text" {
		t.Errorf("Text = %q", msg.Text)
	}
	var names []string
	for _, a := range msg.Attachments {
		names = append(names, a.Filename)
	}
	if !slices.Equal(names, []string{"a.pdf"}) {
		t.Errorf("attachments = %v: the implicit text part must not be listed as a file", names)
	}
}

func TestDigestPartsAreNotText(t *testing.T) {
	raw := "From: a@x.example\r\nContent-Type: multipart/digest; boundary=b\r\n\r\n" +
		"--b\r\n\r\nFrom: inner@x.example\r\nSubject: inner\r\n\r\ninner body\r\n--b--\r\n"
	msg, _ := Parse([]byte(raw))
	if strings.Contains(msg.Text, "inner body") || len(msg.Attachments) != 1 {
		t.Errorf("digest entry (message/rfc822 by default) read as text: text %q, attachments %+v",
			msg.Text, msg.Attachments)
	}
}

func TestFileNames(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{`attachment; filename*="iso-8859-1''Fr%F6sche.txt"`, "Frösche.txt"},
		{`attachment; filename*=utf-8''%E2%82%AC%20rate.csv`, "€ rate.csv"},
		{`attachment; filename="C:\\TEMP\\scan.png"`, "scan.png"},
		{`attachment; filename="../../etc/passwd"`, "passwd"},
		{`attachment; filename="report.pdf"`, "report.pdf"},
	} {
		raw := "From: a@x.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n" +
			"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: " + tc.header + "\r\n\r\nxyz\r\n--b--\r\n"
		msg, err := Parse([]byte(raw))
		checkMessage(t, msg, err)
		if len(msg.Attachments) != 1 || msg.Attachments[0].Filename != tc.want {
			t.Errorf("%s: attachments %+v, want %q", tc.header, msg.Attachments, tc.want)
		}
	}
}

func TestLenientEncodedWords(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"=?iso-8859-1?Q?Fr\xf6sche_und_Hasen?=", "Frösche und Hasen"},
		{"=?utf-8?B?w6TDtsO8?= =?utf-8?B?w58=?=", "äöüß"},
		{"plain =?iso-8859-1?q?caf=E9?= end", "plain café end"},
		{"no words at all", "no words at all"},
	} {
		if got := decodeWordsLeniently(tc.raw); got != tc.want {
			t.Errorf("decodeWordsLeniently(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
	msg, _ := Parse([]byte("Subject: =?iso-8859-1?Q?Die_Hasen_und_die_Fr\xf6sche?=\r\nFrom: a@x.example\r\n\r\nx\r\n"))
	if msg.Subject != "Die Hasen und die Frösche" {
		t.Errorf("Subject = %q", msg.Subject)
	}
}

func TestMangledFirstHeaderLine(t *testing.T) {
	raw := "Fro :uMmlti Sender <multi@example.test>\r\nTo: desk <support@desk.example>\r\nSubject: still read\r\n\r\nbody\r\n"
	msg, _ := Parse([]byte(raw))
	if msg.Subject != "still read" || len(msg.To) != 1 {
		t.Errorf("headers after a mangled first line lost: subject %q, to %v", msg.Subject, msg.To)
	}
}

func TestLocalOnlyAngleAddress(t *testing.T) {
	msg, _ := Parse([]byte("From: Moderator-Address <moderator>\r\nSubject: x\r\n\r\nbody\r\n"))
	if msg.From == nil || msg.From.Addr != "moderator" || len(msg.Problems) == 0 {
		t.Errorf("From = %+v, problems %v", msg.From, msg.Problems)
	}
}

func TestNothingReadableKeepsContentLinesOnly(t *testing.T) {
	// Boundaries that are prefixes of each other hide every part.
	raw := "From: a@x.example\r\nContent-Type: multipart/mixed; boundary=\"a--\"\r\n\r\n--a--\r\n" +
		"Content-Type: multipart/mixed; boundary=\"a----\"\r\n\r\n--a----\r\nContent-Type: text/plain\r\n\r\nbody\r\n--a------\r\n"
	msg, _ := Parse([]byte(raw))
	if !strings.Contains(msg.Text, "body") {
		t.Errorf("content lost: Text %q, problems %v", msg.Text, msg.Problems)
	}
	// An empty text part is structure only: nothing to keep.
	empty := "From: a@x.example\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\n--zz--\r\n"
	if msg, _ := Parse([]byte(empty)); msg.Text != "" {
		t.Errorf("MIME structure kept as text: %q", msg.Text)
	}
}
