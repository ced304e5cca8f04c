package threading

import (
	"strings"
	"testing"
)

var verpSecret = []byte("0123456789abcdef0123456789abcdef")

func TestBounceToken(t *testing.T) {
	tok := BounceToken(verpSecret, 12)
	if len(tok) != bounceTokenLen || tok != strings.ToLower(tok) || strings.Trim(tok, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		t.Fatalf("token %q: want %d lower-case base32 characters", tok, bounceTokenLen)
	}
	if BounceToken(verpSecret, 12) != tok {
		t.Error("token is not deterministic")
	}
	for name, other := range map[string]string{
		"other id":     BounceToken(verpSecret, 13),
		"other secret": BounceToken([]byte("another secret of the same length!"), 12),
		"reply token":  ReplyToken(verpSecret, "bounce", "12")[:bounceTokenLen],
	} {
		if other == tok {
			t.Errorf("%s gives the same token %q", name, tok)
		}
	}
}

func TestVERPAddressRoundTrip(t *testing.T) {
	base := "bounces@desk.example"
	tok := BounceToken(verpSecret, 123)
	addr := VERPAddress(base, "+", 123, verpSecret)
	if want := "bounces+123." + tok + "@desk.example"; addr != want {
		t.Fatalf("VERPAddress = %q, want %q", addr, want)
	}
	if got := VERPAddress("Bounces@Desk.Example", "+", 123, verpSecret); got != addr {
		t.Errorf("VERPAddress of a mixed-case base = %q, want %q", got, addr)
	}
	for _, tc := range []struct {
		name, base, delim, addr string
		secret                  []byte
		id                      int64
		ok                      bool
	}{
		{"as made", base, "+", addr, verpSecret, 123, true},
		{"any case, spaces", base, "+", " BOUNCES+123." + strings.ToUpper(tok) + "@DESK.example ", verpSecret, 123, true},
		{"base in upper case", "BOUNCES@DESK.EXAMPLE", "+", addr, verpSecret, 123, true},
		{"other delimiter", base, "-", "bounces-123." + tok + "@desk.example", verpSecret, 123, true},
		{"largest id", base, "+", VERPAddress(base, "+", 1<<63-1, verpSecret), verpSecret, 1<<63 - 1, true},
		{"bare base", base, "+", "bounces@desk.example", verpSecret, 0, false},
		{"no token", base, "+", "bounces+123@desk.example", verpSecret, 0, false},
		{"empty token", base, "+", "bounces+123.@desk.example", verpSecret, 0, false},
		{"bad token", base, "+", "bounces+123.aaaaaaaaaa@desk.example", verpSecret, 0, false},
		{"token of another id", base, "+", "bounces+124." + tok + "@desk.example", verpSecret, 0, false},
		{"truncated token", base, "+", "bounces+123." + tok[:9] + "@desk.example", verpSecret, 0, false},
		{"long token", base, "+", "bounces+123." + tok + "a@desk.example", verpSecret, 0, false},
		{"other secret", base, "+", addr, []byte("another secret of the same length!"), 0, false},
		{"empty secret", base, "+", VERPAddress(base, "+", 123, nil), nil, 0, false},
		{"other domain", base, "+", "bounces+123." + tok + "@evil.example", verpSecret, 0, false},
		{"sub-domain", base, "+", "bounces+123." + tok + "@x.desk.example", verpSecret, 0, false},
		{"other local part", base, "+", "support+123." + tok + "@desk.example", verpSecret, 0, false},
		{"longer local part", base, "+", "xbounces+123." + tok + "@desk.example", verpSecret, 0, false},
		{"wrong delimiter", base, "-", addr, verpSecret, 0, false},
		{"empty delimiter", base, "", "bounces123." + tok + "@desk.example", verpSecret, 0, false},
		{"leading zero", base, "+", "bounces+0123." + tok + "@desk.example", verpSecret, 0, false},
		{"zero", base, "+", VERPAddress(base, "+", 0, verpSecret), verpSecret, 0, false},
		{"negative", base, "+", VERPAddress(base, "+", -5, verpSecret), verpSecret, 0, false},
		{"sign", base, "+", "bounces++123." + tok + "@desk.example", verpSecret, 0, false},
		{"overflow", base, "+", "bounces+9223372036854775808." + tok + "@desk.example", verpSecret, 0, false},
		{"reply address", base, "+", "bounces+TKT-1." + tok + "@desk.example", verpSecret, 0, false},
		{"two at signs", base, "+", "bounces+123." + tok + "@desk.example@desk.example", verpSecret, 0, false},
		{"angle brackets", base, "+", "<" + addr + ">", verpSecret, 0, false},
		{"no at sign", base, "+", "bounces+123." + tok, verpSecret, 0, false},
		{"base without domain", "bounces", "+", addr, verpSecret, 0, false},
		{"empty", base, "+", "", verpSecret, 0, false},
	} {
		id, ok := ParseVERP(tc.base, tc.delim, tc.addr, tc.secret)
		if id != tc.id || ok != tc.ok {
			t.Errorf("%s: ParseVERP(%q) = %d %v, want %d %v", tc.name, tc.addr, id, ok, tc.id, tc.ok)
		}
	}
}

func FuzzParseVERP(f *testing.F) {
	base := "bounces@desk.example"
	for _, s := range []string{
		VERPAddress(base, "+", 1, verpSecret), VERPAddress(base, "+", 1<<63-1, verpSecret),
		"bounces@desk.example", "bounces+1.@desk.example", "bounces+.abcdefghij@desk.example",
		"bounces+01.abcdefghij@desk.example", "bounces+-1.abcdefghij@desk.example", "@", "", "+.@",
		"bounces+99999999999999999999.abcdefghij@desk.example", "BOUNCES+7.ABCDEFGHIJ@DESK.EXAMPLE",
		"bounces+1.\xff\xfe\xfd\xfc\xfb@desk.example",
	} {
		f.Add(s, int64(len(s)))
	}
	f.Fuzz(func(t *testing.T, addr string, n int64) {
		id, ok := ParseVERP(base, "+", addr, verpSecret)
		if ok != (id > 0) {
			t.Fatalf("ParseVERP(%q) = %d %v: ok must go with a positive id only", addr, id, ok)
		}
		if ok && VERPAddress(base, "+", id, verpSecret) != strings.ToLower(strings.TrimSpace(addr)) {
			t.Errorf("ParseVERP(%q) = %d, but that id's address is %q", addr, id, VERPAddress(base, "+", id, verpSecret))
		}
		if n > 0 {
			back, ok := ParseVERP(base, "+", VERPAddress(base, "+", n, verpSecret), verpSecret)
			if !ok || back != n {
				t.Errorf("VERPAddress(%d) reads back as %d %v", n, back, ok)
			}
		}
	})
}
