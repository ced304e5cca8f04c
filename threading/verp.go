package threading

import (
	"crypto/hmac"
	"crypto/sha256"
	"strconv"
	"strings"
)

// Return paths of outbound mail are VERP addresses (variable envelope return
// path, D. J. Bernstein, 1997): the bounce address with the outbox id and a
// token in its sub-address (RFC 5233), "bounces+123.<token>@desk". A
// non-delivery report goes to the return path (RFC 5321 section 4.5.5,
// RFC 3464 section 2), so the address it arrives at names the delivery that
// failed, whatever the report's format.

// bounceTokenLen is the length of a bounce token: 10 base32 characters, 50
// bits of an HMAC-SHA256. Guessing the token of one outbox id takes some
// 2^49 RCPT commands on average; the local part stays short (RFC 5321
// section 4.5.3.1.1 allows 64 octets).
const bounceTokenLen = 10

// maxIDDigits bounds the outbox id of a VERP address: an int64 has 19 digits.
const maxIDDigits = 19

// BounceToken is the proof that a return path was made by the desk for
// outbox row id: an HMAC-SHA256 under secret of "bounce\x00<id>", in
// lower-case base32, bounceTokenLen characters. The "bounce" prefix keeps it
// apart from ReplyToken, whose references are upper case.
func BounceToken(secret []byte, id int64) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("bounce"))
	mac.Write([]byte{0})
	mac.Write([]byte(strconv.FormatInt(id, 10)))
	return strings.ToLower(tokenEncoding.EncodeToString(mac.Sum(nil)))[:bounceTokenLen]
}

// VERPAddress is the return path of outbox row id: "bounces+123.<token>@domain"
// for base "bounces@domain" and delim "+" (RFC 5233 sub-address), lower case.
// ParseVERP reads it back.
func VERPAddress(base, delim string, id int64, secret []byte) string {
	local, domain, _ := strings.Cut(strings.ToLower(base), "@")
	return local + strings.ToLower(delim) + strconv.FormatInt(id, 10) + "." + BounceToken(secret, id) + "@" + domain
}

// ParseVERP reads a VERP address of base: the outbox id in its sub-address,
// when its token is the one BounceToken makes for that id (compared in
// constant time). Local part and domain are compared without regard to case.
// ok is false for anything else: the bare base address, another local part or
// domain, an id that is not a canonical positive decimal int64, a token of the
// wrong length or value, an empty delim or secret.
func ParseVERP(base, delim, addr string, secret []byte) (id int64, ok bool) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	blocal, bdomain, ok1 := strings.Cut(strings.ToLower(base), "@")
	local, domain, ok2 := strings.Cut(addr, "@")
	if !ok1 || !ok2 || blocal == "" || bdomain == "" || domain != bdomain || strings.Contains(domain, "@") ||
		delim == "" || len(secret) == 0 {
		return 0, false
	}
	sub, found := strings.CutPrefix(local, blocal+strings.ToLower(delim))
	if !found {
		return 0, false
	}
	digits, token, found := strings.Cut(sub, ".")
	if !found || !canonicalID(digits) || len(token) != bounceTokenLen {
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	if !hmac.Equal([]byte(BounceToken(secret, n)), []byte(token)) {
		return 0, false
	}
	return n, true
}

// canonicalID tells whether s is how strconv writes a positive number: ASCII
// digits without a sign or leading zero, at most maxIDDigits of them. Only one
// address then names a given id.
func canonicalID(s string) bool {
	if s == "" || len(s) > maxIDDigits || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
