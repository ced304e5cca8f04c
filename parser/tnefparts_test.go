package parser

import (
	"encoding/base64"
	"os"
	"slices"
	"strings"
	"testing"
)

// A winmail.dat attached by Outlook is replaced by the files inside it.
func TestParseUnpacksWinmailDat(t *testing.T) {
	sample := corpusDir + "/mimekit/tnef/two-files.tnef"
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Skipf("MimeKit TNEF sample not found at %s (a clone without ../shared): %v", sample, err)
	}
	tn, err := ReadTNEF(data)
	if err != nil || len(tn.Files) < 2 {
		t.Fatalf("sample: %v, %d files", err, len(tn.Files))
	}
	var want []string
	for _, f := range tn.Files {
		want = append(want, f.Name)
	}
	b64 := base64.StdEncoding.EncodeToString(data)
	var lines []string
	for len(b64) > 76 {
		lines, b64 = append(lines, b64[:76]), b64[76:]
	}
	lines = append(lines, b64)
	raw := "From: a@x.example\r\nSubject: files\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
		"--b\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment; filename=winmail.dat\r\n\r\n" + strings.Join(lines, "\r\n") + "\r\n--b--\r\n"
	msg, perr := Parse([]byte(raw))
	checkMessage(t, msg, perr)
	var got []string
	for _, a := range msg.Attachments {
		got = append(got, a.Filename)
		if a.Size != int64(len(a.Content)) || a.ContentType == "" {
			t.Errorf("file %q: size %d of %d bytes, type %q", a.Filename, a.Size, len(a.Content), a.ContentType)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("attachments %q, want the files inside winmail.dat %q", got, want)
	}
	if msg.Text != "see attached" {
		t.Errorf("text = %q", msg.Text)
	}
}

func TestBrokenWinmailDatIsKept(t *testing.T) {
	raw := "From: a@x.example\r\nSubject: files\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
		"--b\r\nContent-Type: application/ms-tnef\r\nContent-Disposition: attachment; filename=winmail.dat\r\n\r\n" +
		"not a tnef stream\r\n--b--\r\n"
	msg, perr := Parse([]byte(raw))
	checkMessage(t, msg, perr)
	if len(msg.Attachments) != 1 || msg.Attachments[0].Filename != "winmail.dat" {
		t.Fatalf("broken winmail.dat not kept: %+v", msg.Attachments)
	}
	if !slices.ContainsFunc(msg.Problems, func(p string) bool { return strings.Contains(p, "TNEF") }) {
		t.Errorf("no problem recorded: %v", msg.Problems)
	}
}
