package parser

import (
	"strings"
	"testing"
)

// Classify's vendor headers and RFC 3834 keywords, beyond TestClassifyHeaders.
func TestClassifyAutoReplies(t *testing.T) {
	tests := []struct {
		name string
		h    rawHeader
		want string
	}{
		{"X-Auto-Response-Suppress is a request, not a reply", rawHeader{"X-Auto-Response-Suppress": {"All"}}, ""},
		{"X-Auto-Response-Suppress with a person's Precedence", rawHeader{"X-Auto-Response-Suppress": {"DR, OOF, AutoReply"}, "Precedence": {"first-class"}}, ""},
		{"X-Auto-Response", rawHeader{"X-Auto-Response": {"1"}}, AutoReply},
		{"X-Autoresponse", rawHeader{"X-Autoresponse": {"yes"}}, AutoReply},
		{"X-Autoresponder", rawHeader{"X-Autoresponder": {"vacation"}}, AutoReply},
		{"X-Autoreply-From", rawHeader{"X-Autoreply-From": {"jana@client.example"}}, AutoReply},
		{"X-Mail-Autoreply", rawHeader{"X-Mail-Autoreply": {"yes"}}, AutoReply},
		{"X-Autoreply with an empty value", rawHeader{"X-Autoreply": {""}}, AutoReply},
		{"Precedence auto_reply", rawHeader{"Precedence": {"auto_reply"}}, AutoReply},
		{"Precedence Auto_Reply", rawHeader{"Precedence": {" Auto_Reply "}}, AutoReply},
		{"Precedence bulk", rawHeader{"Precedence": {"bulk"}}, AutoBulk},
		{"Auto-Submitted auto-notified (RFC 3798)", rawHeader{"Auto-Submitted": {"auto-notified"}}, "auto-submitted: auto-notified"},
		{"Auto-Submitted with a comment", rawHeader{"Auto-Submitted": {"auto-generated (failure)"}}, "auto-submitted: auto-generated"},
		{"Auto-Submitted with a parameter", rawHeader{"Auto-Submitted": {"auto-replied; owner-email=jana@client.example"}}, "auto-submitted: auto-replied"},
		{"Auto-Submitted no with a comment", rawHeader{"Auto-Submitted": {"no (written by hand)"}}, ""},
		{"Auto-Submitted wins over Precedence", rawHeader{"Auto-Submitted": {"auto-replied"}, "Precedence": {"auto_reply"}}, "auto-submitted: auto-replied"},
	}
	for _, tt := range tests {
		if got := Classify(tt.h, false); got != tt.want {
			t.Errorf("%s: Classify(%v) = %q, want %q", tt.name, tt.h, got, tt.want)
		}
	}
}

// X-Auto-Response-Suppress asks the recipient not to answer automatically;
// it does not make a person's mail automated (see autoReplyHeaders). The
// same mail marked Auto-Submitted is automated, so the test can fail.
func TestAutoResponseSuppressIsHuman(t *testing.T) {
	const human = "From: Jana Novak <jana@client.example>\r\n" +
		"To: support@desk.example\r\n" +
		"Subject: Severity 2 - Acme Freight - labels not printing\r\n" +
		"Message-ID: <a1@client.example>\r\n" +
		"X-Auto-Response-Suppress: OOF\r\n" +
		"X-Mailer: Microsoft Outlook 16.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Hello, since this morning no labels print.\r\n"
	for _, tt := range []struct {
		name, raw, automated, kind string
	}{
		{"X-Auto-Response-Suppress: OOF", human, "", KindHuman},
		{"X-Auto-Response-Suppress: All", strings.Replace(human, ": OOF", ": All", 1), "", KindHuman},
		{"with Auto-Submitted", strings.Replace(human, "X-Mailer", "Auto-Submitted: auto-replied\r\nX-Mailer", 1),
			"auto-submitted: auto-replied", KindAutoReply},
	} {
		msg, err := Parse([]byte(tt.raw))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if msg.Automated != tt.automated || msg.Kind != tt.kind {
			t.Errorf("%s: Automated %q, Kind %q; want %q, %q", tt.name, msg.Automated, msg.Kind, tt.automated, tt.kind)
		}
	}
}
