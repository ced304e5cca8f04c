package parser

import "testing"

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
