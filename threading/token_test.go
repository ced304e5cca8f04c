package threading

import (
	"strings"
	"testing"
)

func TestReplyTokens(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	tok := ReplyToken(secret, "TKT-12", "Anna@Client.example")
	if len(tok) != tokenLen || tok != strings.ToLower(tok) {
		t.Fatalf("token %q", tok)
	}
	for _, tc := range []struct {
		name      string
		secret    []byte
		ref, addr string
		token     string
		want      bool
	}{
		{"same recipient, any case", secret, "tkt-12", " anna@client.example", strings.ToUpper(tok), true},
		{"other recipient", secret, "TKT-12", "bob@client.example", tok, false},
		{"other ticket", secret, "TKT-13", "anna@client.example", tok, false},
		{"other secret", []byte("another secret of the same length!"), "TKT-12", "anna@client.example", tok, false},
		{"truncated", secret, "TKT-12", "anna@client.example", tok[:10], false},
		{"empty", secret, "TKT-12", "anna@client.example", "", false},
	} {
		if got := VerifyToken(tc.secret, tc.ref, tc.addr, tc.token); got != tc.want {
			t.Errorf("%s: VerifyToken = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestReplyAddressRoundTrip(t *testing.T) {
	m := NewMatcher("TKT", "desk.example")
	addr := ReplyAddress("support@desk.example", "+", "TKT-12", "abcdefghijklmnop")
	if addr != "support+TKT-12.abcdefghijklmnop@desk.example" {
		t.Fatalf("address %q", addr)
	}
	for _, tc := range []struct {
		addr, delim, ref, token string
		ok                      bool
	}{
		{addr, "+", "TKT-12", "abcdefghijklmnop", true},
		{"Support+tkt-12.ABCDEFGHIJKLMNOP@Desk.Example", "+", "TKT-12", "abcdefghijklmnop", true},
		{"support-TKT-12.abcdefghijklmnop@desk.example", "-", "TKT-12", "abcdefghijklmnop", true},
		{"support@desk.example", "+", "", "", false},
		{"support+TKT-12@desk.example", "+", "", "", false},
		{"support+TKT-12.short@desk.example", "+", "", "", false},
		{"support+ABC-12.abcdefghijklmnop@desk.example", "+", "", "", false},
		{"support+TKT-12.abcdefghijklmnop@evil.example", "+", "", "", false},
		{"sales+TKT-12.abcdefghijklmnop@desk.example", "+", "", "", false},
	} {
		ref, tok, ok := m.ParseReplyAddress("support@desk.example", tc.delim, tc.addr)
		if ok != tc.ok || ref != tc.ref || tok != tc.token {
			t.Errorf("ParseReplyAddress(%q) = %q %q %v, want %q %q %v", tc.addr, ref, tok, ok, tc.ref, tc.token, tc.ok)
		}
	}
}
