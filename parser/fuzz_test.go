package parser

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// FuzzParse checks Parse's contract on any input: no panic (not even one
// recovered inside Parse or inside an attached mail), a non-nil Message with
// a valid Kind, only valid UTF-8 strings (maps included), and an error only
// together with ErrUnreadable or ErrParserFailure and a recorded Problem.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(mailDir, "*.eml"))
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatalf("no seed mails in %s", mailDir)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, s := range []string{
		"",
		"\r\n\r\n",
		"Subject: hi\r\n\r\nbody",
		"From: a@b\r\nno blank line\r\n",
		"garbage without any header",
		"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n",
		"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/alternative; boundary=y\r\n\r\n--y\r\n\r\n--x\r\n",
		"Content-Type: text/plain; charset=iso-2022-jp\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=1B$B=\r\n",
		"Subject: =?utf-8?Q?=FF?= =?iso-8859-1?B?/w==?=\r\nFrom: =?utf-8?Q?a=2C_b?= <a@b>\r\n\r\n\xff",
		"Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	for _, raw := range corpusSeeds(f, 64<<10) {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg, err := Parse(raw)
		if msg == nil {
			t.Fatalf("Parse returned nil Message (err %v)", err)
		}
		checkMessage(t, msg, err)
	})
}

// FuzzParseSubject checks that ParseSubject never panics, reads only
// severities 1-9 (0 for none) and keeps valid UTF-8 valid.
func FuzzParseSubject(f *testing.F) {
	for _, s := range []string{
		"",
		"Severity 1 - Acme Freight - labels not printing",
		`Severity 1 - "Client name" unable to print labels`,
		"Sev2: x",
		"Severity: 3 – a – b",
		"RE: AW: Antw: R: RIF: Fwd: WG: I: Doorst: TR: SV: Re[2]: x",
		"[EXTERNAL] [TKT-1] Severity 9 — “Acme” — down",
		"Severity 1 -",
		"Re：\u00a0Re: \xff",
	} {
		f.Add(s)
	}
	// Every subject of the shared corpora, as people and mailers wrote them.
	for _, raw := range corpusSeeds(f, 1<<20) {
		if msg, _ := Parse(raw); msg.Subject != "" {
			f.Add(msg.Subject)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ParseSubject(s)
		if got.Severity < 0 || got.Severity > 9 {
			t.Errorf("ParseSubject(%q).Severity = %d, want 0..9", s, got.Severity)
		}
		if got.Severity == 0 && got.Client != "" {
			t.Errorf("ParseSubject(%q) = %+v: client without severity", s, got)
		}
		if utf8.ValidString(s) {
			if !utf8.ValidString(got.Summary) || !utf8.ValidString(got.Client) {
				t.Errorf("ParseSubject(%q) = %+v: invalid UTF-8 from valid input", s, got)
			}
			if stripped := StripPrefixes(s); !utf8.ValidString(stripped) {
				t.Errorf("StripPrefixes(%q) = %q: invalid UTF-8 from valid input", s, stripped)
			}
		}
		if len(got.Summary) > len(s) || len(got.Client) > len(s) {
			t.Errorf("ParseSubject(%q) = %+v: output longer than input", s, got)
		}
	})
}

// FuzzMsgIDs checks that every id MsgIDs returns is non-empty and free of
// angle brackets and white space, and that no id is returned twice.
func FuzzMsgIDs(f *testing.F) {
	for _, s := range []string{
		"",
		"<a@b>",
		"<a@b> <c@d> <a@b>",
		"<a@b> (comment) c@d",
		"bare@id.example",
		"\r\n\t<SY4PR01MB6123@outlook.example>\r\n <x@y>",
		"<>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seen := map[string]bool{}
		for _, id := range MsgIDs(s) {
			if id == "" || strings.ContainsAny(id, "<>") || strings.ContainsFunc(id, unicode.IsSpace) {
				t.Errorf("MsgIDs(%q) returned id %q with brackets or white space", s, id)
			}
			if !utf8.ValidString(id) {
				t.Errorf("MsgIDs(%q) returned invalid UTF-8 id %q", s, id)
			}
			if seen[id] {
				t.Errorf("MsgIDs(%q) returned %q twice", s, id)
			}
			seen[id] = true
		}
	})
}

// checkMessage asserts the invariants every Parse result must keep.
func checkMessage(t testing.TB, msg *Message, err error) {
	t.Helper()
	for _, bad := range invalidStrings(reflect.ValueOf(msg), "Message") {
		t.Errorf("invalid UTF-8 in %s", bad)
	}
	if n := parserFailures(msg, err); n > 0 {
		t.Errorf("Parse recovered from %d panic(s): %q (error %v)", n, msg.Problems, err)
	}
	switch msg.Kind {
	case KindHuman, KindAutoReply, KindBounce:
	default:
		t.Errorf("Kind %q is none of the kinds", msg.Kind)
	}
	if err != nil {
		if !errors.Is(err, ErrUnreadable) && !errors.Is(err, ErrParserFailure) {
			t.Errorf("error %v wraps neither ErrUnreadable nor ErrParserFailure", err)
		}
		if len(msg.Problems) == 0 {
			t.Errorf("error %v but no Problems recorded", err)
		}
	}
}

// parserFailures counts the panics Parse recovered from: in the mail itself
// (the error wraps ErrParserFailure) and in the mails attached to it (their
// problems are carried up as "attached mail N: parser failure: ...").
func parserFailures(msg *Message, err error) int {
	n := 0
	for _, p := range msg.Problems {
		if strings.HasPrefix(p, "parser failure: ") || (strings.HasPrefix(p, "attached mail ") && strings.Contains(p, ": parser failure: ")) {
			n++
		}
	}
	if n == 0 && errors.Is(err, ErrParserFailure) {
		n = 1
	}
	return n
}

// invalidStrings returns the paths of all strings under v that are not valid
// UTF-8. Byte slices (attachment content) and time values are skipped.
func invalidStrings(v reflect.Value, path string) []string {
	var out []string
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			out = append(out, invalidStrings(v.Elem(), path)...)
		}
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			out = append(out, path)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil
		}
		for i := 0; i < v.Len(); i++ {
			out = append(out, invalidStrings(v.Index(i), path+"["+strconv.Itoa(i)+"]")...)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			p := path + "[" + strconv.Quote(fmt.Sprint(k.Interface())) + "]"
			out = append(out, invalidStrings(k, p+"(key)")...)
			out = append(out, invalidStrings(v.MapIndex(k), p)...)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return nil
		}
		for i := 0; i < v.NumField(); i++ {
			out = append(out, invalidStrings(v.Field(i), path+"."+v.Type().Field(i).Name)...)
		}
	}
	return out
}

func TestInvalidStringsFindsBadUTF8(t *testing.T) {
	m := &Message{Subject: "ok", To: []Address{{Addr: "a@b"}, {Name: "\xff"}}, Attachments: []Attachment{{Content: []byte{0xff}}}}
	if got := invalidStrings(reflect.ValueOf(m), "Message"); !slices.Equal(got, []string{"Message.To[1].Name"}) {
		t.Errorf("invalidStrings = %q, want only Message.To[1].Name", got)
	}
	// Maps are walked too: values and keys of Fields and of the Form's maps.
	m = &Message{Fields: map[string]string{"ok": "\xfe"}, Form: &Form{Unknown: map[string]string{"\xfd": "ok"}}}
	got := invalidStrings(reflect.ValueOf(m), "Message")
	slices.Sort(got)
	want := []string{`Message.Fields["ok"]`, `Message.Form.Unknown["\xfd"](key)`}
	if !slices.Equal(got, want) {
		t.Errorf("invalidStrings = %q, want %q", got, want)
	}
}

// corpusSeeds returns the shared corpus mails up to max bytes each, as fuzz
// seeds (none when ../shared/corpus is absent: the fixed seeds still run).
func corpusSeeds(f *testing.F, max int64) [][]byte {
	var out [][]byte
	_ = filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isMail(path) {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > max {
			return nil
		}
		if raw, err := os.ReadFile(path); err == nil {
			out = append(out, raw)
		}
		return nil
	})
	if len(out) == 0 {
		f.Logf("no corpus seeds: %s is absent", corpusDir)
	}
	return out
}
