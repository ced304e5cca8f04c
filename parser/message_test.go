package parser

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"
)

// crlf turns a mail written with "\n" line ends into wire form.
func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

// mustParse parses raw, fails the test when Parse breaks its contract (nil
// Message, invalid UTF-8, a recovered panic, an error not wrapping
// ErrUnreadable) and returns the Message and error.
func mustParse(t *testing.T, raw []byte) (*Message, error) {
	t.Helper()
	msg, err := Parse(raw)
	if msg == nil {
		t.Fatalf("Parse returned nil Message (err %v)", err)
	}
	checkMessage(t, msg, err)
	return msg, err
}

func hasProblem(msg *Message, substr string) bool {
	return slices.ContainsFunc(msg.Problems, func(p string) bool { return strings.Contains(p, substr) })
}

func TestParseMultipartAlternative(t *testing.T) {
	msg, err := mustParse(t, crlf(`From: "Jane Doe" <Jane.Doe@Acme-Freight.example>
To: support@postdesk.example, "IT Desk" <it@postdesk.example>
Cc: ops@acme-freight.example
Reply-To: helpdesk@acme-freight.example
Date: Mon, 3 Mar 2025 10:15:00 +0100
Message-ID: <abc123@acme-freight.example>
Subject: Severity 2 - Acme Freight - labels not printing
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

Labels stopped printing at 09:40.
--alt
Content-Type: text/html; charset=utf-8

<p>Labels stopped printing at <b>09:40</b>.</p>
--alt--
`))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if msg.Text != "Labels stopped printing at 09:40." {
		t.Errorf("Text = %q", msg.Text)
	}
	if !strings.Contains(msg.HTML, "<b>09:40</b>") {
		t.Errorf("HTML = %q", msg.HTML)
	}
	if msg.From == nil || *msg.From != (Address{Name: "Jane Doe", Addr: "jane.doe@acme-freight.example"}) {
		t.Errorf("From = %+v", msg.From)
	}
	wantTo := []Address{{Addr: "support@postdesk.example"}, {Name: "IT Desk", Addr: "it@postdesk.example"}}
	if !slices.Equal(msg.To, wantTo) {
		t.Errorf("To = %+v, want %+v", msg.To, wantTo)
	}
	if !slices.Equal(msg.Cc, []Address{{Addr: "ops@acme-freight.example"}}) || !slices.Equal(msg.ReplyTo, []Address{{Addr: "helpdesk@acme-freight.example"}}) {
		t.Errorf("Cc = %+v, ReplyTo = %+v", msg.Cc, msg.ReplyTo)
	}
	if want := time.Date(2025, 3, 3, 9, 15, 0, 0, time.UTC); !msg.Date.Equal(want) || msg.Date.Location() != time.UTC {
		t.Errorf("Date = %v, want %v in UTC", msg.Date, want)
	}
	if msg.MessageID != "abc123@acme-freight.example" {
		t.Errorf("MessageID = %q", msg.MessageID)
	}
	if want := (Subject{Severity: 2, Client: "Acme Freight", Summary: "labels not printing"}); msg.SubjectFields != want {
		t.Errorf("SubjectFields = %+v, want %+v", msg.SubjectFields, want)
	}
	if len(msg.Attachments) != 0 || msg.Automated != "" || len(msg.Problems) != 0 {
		t.Errorf("Attachments = %+v, Automated = %q, Problems = %q; want none", msg.Attachments, msg.Automated, msg.Problems)
	}
}

func TestParseHTMLOnly(t *testing.T) {
	msg, _ := mustParse(t, crlf(`From: portal@acme-freight.example
Subject: Web form
Content-Type: text/html; charset=utf-8

<html><body><p>Consignment <b>ACM000123</b> shows no tracking.</p><p>Thanks</p></body></html>
`))
	if !strings.Contains(msg.HTML, "<b>ACM000123</b>") {
		t.Errorf("HTML = %q", msg.HTML)
	}
	if !strings.Contains(msg.Text, "ACM000123") || !strings.Contains(msg.Text, "Thanks") || strings.Contains(msg.Text, "<p>") {
		t.Errorf("Text = %q, want plain text derived from the HTML", msg.Text)
	}
}

func TestParseAttachmentFilenames(t *testing.T) {
	csv := "consignment\nACM000123\nACM000124\n"
	pdf := "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
	msg, err := mustParse(t, crlf(`From: a@acme-freight.example
Subject: files
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: text/plain; charset=utf-8

See attached.
--mix
Content-Type: text/csv; name*=UTF-8''Sendungsnummern%20M%C3%A4rz.csv
Content-Disposition: attachment; filename*=UTF-8''Sendungsnummern%20M%C3%A4rz.csv
Content-Transfer-Encoding: base64

Y29uc2lnbm1lbnQKQUNNMDAwMTIzCkFDTTAwMDEyNAo=
--mix
Content-Type: Application/PDF; name="=?UTF-8?B?UmVjaG51bmcgw5xiZXJzaWNodC5wZGY=?="
Content-Disposition: attachment; filename="=?UTF-8?B?UmVjaG51bmcgw5xiZXJzaWNodC5wZGY=?="
Content-Transfer-Encoding: base64

JVBERi0xLjQKJeLjz9MK
--mix--
`))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []struct{ name, ctype, content string }{
		{"Sendungsnummern März.csv", "text/csv", csv},
		{"Rechnung Übersicht.pdf", "application/pdf", pdf},
	}
	if len(msg.Attachments) != len(want) {
		t.Fatalf("got %d attachments, want %d: %+v", len(msg.Attachments), len(want), msg.Attachments)
	}
	for i, w := range want {
		a := msg.Attachments[i]
		sum := sha256.Sum256([]byte(w.content))
		if a.Filename != w.name || a.ContentType != w.ctype || a.Inline {
			t.Errorf("attachment %d = %q %q inline=%v, want %q %q", i, a.Filename, a.ContentType, a.Inline, w.name, w.ctype)
		}
		if a.Size != int64(len(w.content)) || a.SHA256 != hex.EncodeToString(sum[:]) || string(a.Content) != w.content {
			t.Errorf("attachment %d: size %d sha %s content %q, want %d %x %q", i, a.Size, a.SHA256, a.Content, len(w.content), sum, w.content)
		}
	}
	if msg.Text != "See attached." {
		t.Errorf("Text = %q", msg.Text)
	}
}

func TestParseCharsets(t *testing.T) {
	tests := []struct {
		name, raw, subject, text string
	}{
		{"ISO-8859-1 quoted-printable body", `Subject: =?ISO-8859-1?Q?Gr=FC=DFe_aus_N=FCrnberg?=
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Die Etiketten f=FCr M=FCnchen drucken nicht. =C4=D6=DC=E4=F6=FC=DF
`, "Grüße aus Nürnberg", "Die Etiketten für München drucken nicht. ÄÖÜäöüß\n"},
		{"windows-1252 quoted-printable body", `Subject: =?windows-1252?Q?=93Label=94_=96_=80_fee?=
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

=93Quoted=94 =96 dash =80 euro =85
`, "“Label” – € fee", "“Quoted” – dash € euro …\n"},
		{"ISO-2022-JP encoded-word subject", `Subject: =?ISO-2022-JP?B?GyRCJWklWSVrMHU6fiUoJWkhPBsoQg==?=
Content-Type: text/plain; charset=utf-8

body
`, "ラベル印刷エラー", "body\n"},
		{"folded multi-word subject", `Subject: =?UTF-8?Q?Severity_1_-_Acme_Freight_-?=
 =?UTF-8?Q?_Etiketten_drucken_nicht?=

body
`, "Severity 1 - Acme Freight - Etiketten drucken nicht", "body\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := mustParse(t, crlf("From: a@semco.example\n"+tt.raw))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if msg.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", msg.Subject, tt.subject)
			}
			if msg.Text != tt.text {
				t.Errorf("Text = %q, want %q", msg.Text, tt.text)
			}
		})
	}
}

func TestParseMessageIDs(t *testing.T) {
	msg, _ := mustParse(t, crlf(`From: a@acme-freight.example
Message-ID: bare-id@outlook.example
In-Reply-To: <r1@postdesk.example> <r2@postdesk.example>
References: <r0@postdesk.example>
 <r1@postdesk.example>
	<r2@postdesk.example>
Subject: RE: [TKT-1] labels

text
`))
	if msg.MessageID != "bare-id@outlook.example" {
		t.Errorf("MessageID = %q", msg.MessageID)
	}
	if want := []string{"r1@postdesk.example", "r2@postdesk.example"}; !slices.Equal(msg.InReplyTo, want) {
		t.Errorf("InReplyTo = %q, want %q", msg.InReplyTo, want)
	}
	if want := []string{"r0@postdesk.example", "r1@postdesk.example", "r2@postdesk.example"}; !slices.Equal(msg.References, want) {
		t.Errorf("References = %q, want %q", msg.References, want)
	}
}

func TestMsgIDs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"<a@b>", []string{"a@b"}},
		{"<a@b> <c@d>", []string{"a@b", "c@d"}},
		{"<a@b><c@d>", []string{"a@b", "c@d"}},
		{"<a@b> <c@d> <a@b>", []string{"a@b", "c@d"}},
		{"<a@b> (Jane's message of Monday) <c@d>", []string{"a@b", "c@d"}},
		{"\r\n <a@b>\r\n\t<c@d>\r\n", []string{"a@b", "c@d"}},
		{"a@b", []string{"a@b"}},
		{"  a@b  ", []string{"a@b"}},
		{"<a@b> c@d", []string{"a@b"}}, // bare ids are forgiven only alone
		{"a@b c@d", nil},
		{"no id here", nil},
		{"<>", nil},
		{"", nil},
		{"<abc@host", []string{"abc@host"}}, // cut off by a mailer
		{"abc@host>", []string{"abc@host"}},
		{"@>", nil},
		{"a@b\r\nc", nil},
		{"<a\vb@c>", nil},
	}
	for _, tt := range tests {
		if got := MsgIDs(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("MsgIDs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseMalformedFrom(t *testing.T) {
	msg, err := mustParse(t, crlf(`From: John Smith John.Smith@Acme-Freight.example
To: support@postdesk.example
Date: sometime yesterday
Subject: help

text
`))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if msg.From == nil || msg.From.Addr != "john.smith@acme-freight.example" {
		t.Errorf("From = %+v, want addr john.smith@acme-freight.example", msg.From)
	}
	if !hasProblem(msg, "From header") {
		t.Errorf("Problems = %q, want one about the From header", msg.Problems)
	}
	if !msg.Date.IsZero() || !hasProblem(msg, "Date header") {
		t.Errorf("Date = %v, Problems = %q; want zero date and a Date problem", msg.Date, msg.Problems)
	}
	if msg.Text != "text\n" || msg.Subject != "help" {
		t.Errorf("Subject = %q, Text = %q", msg.Subject, msg.Text)
	}
}

func TestParseBrokenMIME(t *testing.T) {
	tests := []struct {
		name, raw  string
		unreadable bool   // Parse must return an error wrapping ErrUnreadable
		subject    string // want Subject
		text       string // Text must contain this
		problem    string // a Problem must contain this
	}{
		{"no header at all", "garbage line without colon\nmore garbage\n",
			true, "", "more garbage", "MIME structure unreadable"},
		{"multipart without boundary parameter", "From: a@b.example\nSubject: hi\nContent-Type: multipart/mixed\n\ntext kept\n",
			true, "hi", "text kept", "MIME structure unreadable"},
		{"multipart missing closing boundary", "From: a@b.example\nSubject: hi\nContent-Type: multipart/mixed; boundary=\"XYZ\"\n\n--XYZ\nContent-Type: text/plain\n\npart one text\n",
			false, "hi", "part one text", "Boundary"},
		{"multipart whose boundary never appears", "From: a@b.example\nSubject: hi\nContent-Type: multipart/mixed; boundary=\"XYZ\"\n\nthe boundary never appears\n",
			false, "hi", "the boundary never appears", "raw body is kept"},
		{"binary garbage after headers", "Subject: bin\nContent-Type: text/plain; charset=utf-8\n\nok \xff\xfe\x00 end\n",
			false, "bin", "ok \uFFFD\x00 end", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := mustParse(t, crlf(tt.raw))
			if (err != nil) != tt.unreadable {
				t.Errorf("err = %v, want unreadable=%v", err, tt.unreadable)
			}
			if msg.Subject != tt.subject || !strings.Contains(msg.Text, tt.text) {
				t.Errorf("Subject = %q, Text = %q; want %q and text containing %q", msg.Subject, msg.Text, tt.subject, tt.text)
			}
			if tt.problem != "" && !hasProblem(msg, tt.problem) {
				t.Errorf("Problems = %q, want one containing %q", msg.Problems, tt.problem)
			}
		})
	}
}

// TestParseNoBlankLine: the body starts right after the header block. The
// body text must be kept and the problem recorded.
func TestParseNoBlankLine(t *testing.T) {
	msg, _ := mustParse(t, crlf("From: a@b.example\nSubject: hi\nThe labels stopped printing at 9am.\nPlease call.\n"))
	if !strings.Contains(msg.Text, "The labels stopped printing at 9am.\nPlease call.") {
		t.Errorf("Text = %q, want the body kept", msg.Text)
	}
	if len(msg.Problems) == 0 {
		t.Error("no Problem recorded")
	}
	if msg.From == nil || msg.From.Addr != "a@b.example" {
		t.Errorf("From = %+v", msg.From)
	}
}

// TestParseNeverPanics feeds degenerate inputs and checks the contract every
// input must meet.
func TestParseNeverPanics(t *testing.T) {
	for _, raw := range []string{
		"",
		"\r\n",
		"Subject: only a header",
		"Content-Type: multipart/mixed; boundary=\"a\"\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=\"a\"\r\n\r\n--a\r\n",
		"Content-Type: text/plain; charset=no-such-charset\r\n\r\n\xff\xfe",
		"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!",
		"Subject: =?utf-8?B?////?=\r\nFrom: =?x-unknown?Q?a?= <a@b>\r\n\r\n",
		"\xff\xfe: \xff\r\nX-Loop: \xff\r\nAuto-Submitted: \xff\r\n\r\n\xff",
	} {
		if msg, err := Parse([]byte(raw)); msg == nil {
			t.Errorf("Parse(%q) returned nil Message", raw)
		} else {
			checkMessage(t, msg, err)
		}
	}
}

func TestParseClassify(t *testing.T) {
	report := "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n--r\nContent-Type: text/plain\n\nDelivery failed.\n--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; x@y.example\nAction: failed\nStatus: 5.1.1\n--r--\n"
	tests := []struct {
		name, headers, want string
	}{
		{"person", "", ""},
		{"Auto-Submitted auto-replied", "Auto-Submitted: auto-replied\n", "auto-submitted: auto-replied"},
		{"Auto-Submitted auto-generated", "Auto-Submitted: Auto-Generated\n", "auto-submitted: auto-generated"},
		{"Auto-Submitted no", "Auto-Submitted: no\n", ""},
		{"Auto-Submitted No with comment", "Auto-Submitted: No (sent by a person)\n", ""},
		{"Precedence bulk", "Precedence: bulk\n", AutoBulk},
		{"Precedence junk", "Precedence: Junk\n", AutoBulk},
		{"Precedence list", "Precedence: list\n", AutoBulk},
		{"Precedence first-class", "Precedence: first-class\n", ""},
		{"List-Id", "List-Id: Carrier news <news.carrier.example>\n", AutoList},
		{"List-Unsubscribe", "List-Unsubscribe: <mailto:leave@carrier.example>\n", AutoList},
		{"X-Autoreply", "X-Autoreply: yes\n", AutoReply},
		{"X-Autorespond", "X-Autorespond: Out of office\n", AutoReply},
		{"Auto-Submitted wins over X-Autoreply", "X-Autoreply: yes\nAuto-Submitted: auto-replied\n", "auto-submitted: auto-replied"},
		{"multipart/report", report, AutoBounce},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := "From: x@acme-freight.example\nSubject: s\n" + tt.headers
			if !strings.Contains(tt.headers, "Content-Type") {
				raw += "\nbody\n"
			}
			msg, _ := mustParse(t, crlf(raw))
			if msg.Automated != tt.want {
				t.Errorf("Automated = %q, want %q", msg.Automated, tt.want)
			}
		})
	}
}

func TestClassifyHeaders(t *testing.T) {
	tests := []struct {
		h        rawHeader
		isReport bool
		want     string
	}{
		{rawHeader{}, false, ""},
		{rawHeader{}, true, AutoBounce},
		{rawHeader{"Auto-Submitted": {" Auto-Replied "}}, false, "auto-submitted: auto-replied"},
		// Postfix bounces say Auto-Submitted too; the report wins.
		{rawHeader{"Auto-Submitted": {"auto-replied"}}, true, AutoBounce},
		{rawHeader{"Auto-Submitted": {"no"}}, true, AutoBounce},
		{rawHeader{"X-Auto-Reply": {"1"}}, false, AutoReply},
		{rawHeader{"Precedence": {" BULK "}}, false, AutoBulk},
		{rawHeader{"List-Post": {"<mailto:l@x>"}}, false, AutoList},
	}
	for _, tt := range tests {
		if got := Classify(tt.h, tt.isReport); got != tt.want {
			t.Errorf("Classify(%v, %v) = %q, want %q", tt.h, tt.isReport, got, tt.want)
		}
	}
}

func TestParseXLoop(t *testing.T) {
	msg, _ := mustParse(t, crlf("From: a@b.example\nX-Loop: Support@PostDesk.example\nX-Loop:  other@x.example \n\nbody\n"))
	if want := []string{"support@postdesk.example", "other@x.example"}; !slices.Equal(msg.XLoop, want) {
		t.Errorf("XLoop = %q, want %q", msg.XLoop, want)
	}
}

// An encoded word is decoded only as a display name: it can never become the
// address (RFC 2047 section 5), so a forged From cannot credit someone else.
func TestAddressesDecodeNamesOnly(t *testing.T) {
	for _, tc := range []struct{ from, name, addr string }{
		{"=?utf-8?Q?ceo=40acme.com?= <attacker@evil.example>", "ceo@acme.com", "attacker@evil.example"},
		{"=?iso-8859-1?Q?M=FCller=2C_J=F6rg?= <J.Mueller@semco.example>", "Müller, Jörg", "j.mueller@semco.example"},
		{"\"ceo@acme.com\" <attacker@evil.example>", "ceo@acme.com", "attacker@evil.example"},
		{"broken <<x@y.example> ceo@acme.com", "", "x@y.example"}, // lenient path prefers <...>
	} {
		msg, _ := Parse([]byte("From: " + tc.from + "\r\nTo: support@desk.example\r\nSubject: x\r\n\r\nbody\r\n"))
		if msg.From == nil || msg.From.Addr != tc.addr || msg.From.Name != tc.name {
			t.Errorf("From %q read as %+v, want name %q addr %q", tc.from, msg.From, tc.name, tc.addr)
		}
	}
}
