package parser

import (
	"encoding/base64"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// The charset names Outlook and other mailers write, including the Korean
// and Chinese aliases, decode to UTF-8 in bodies and in encoded-word headers.
func TestCharsetAliases(t *testing.T) {
	for _, tc := range []struct {
		charset string
		enc     encoding.Encoding
		text    string
	}{
		{"ks_c_5601-1987", korean.EUCKR, "안녕하세요"},
		{"euc-kr", korean.EUCKR, "안녕하세요"},
		{"gb2312", simplifiedchinese.GBK, "你好世界"},
		{"gbk", simplifiedchinese.GBK, "你好世界"},
		{"x-gbk", simplifiedchinese.GBK, "你好世界"},
		{"gb18030", simplifiedchinese.GB18030, "你好世界"},
		{"big5", traditionalchinese.Big5, "你好世界"},
		{"iso-2022-jp", japanese.ISO2022JP, "こんにちは"},
		{"shift_jis", japanese.ShiftJIS, "こんにちは"},
		{"euc-jp", japanese.EUCJP, "こんにちは"},
		{"windows-1252", charmap.Windows1252, "café – “quoted”"},
		{"cp1252", charmap.Windows1252, "café"},
		{"iso-8859-15", charmap.ISO8859_15, "5 €"},
		{"koi8-r", charmap.KOI8R, "привет"},
	} {
		encoded, err := tc.enc.NewEncoder().String(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.charset, err)
		}
		subject := "=?" + tc.charset + "?B?" + base64.StdEncoding.EncodeToString([]byte(encoded)) + "?="
		raw := "From: a@x.example\r\nSubject: " + subject + "\r\nContent-Type: text/plain; charset=" + tc.charset +
			"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString([]byte(encoded)) + "\r\n"
		msg, perr := Parse([]byte(raw))
		checkMessage(t, msg, perr)
		if msg.Text != tc.text || msg.Subject != tc.text {
			t.Errorf("%s: text %q, subject %q, want %q", tc.charset, msg.Text, msg.Subject, tc.text)
		}
	}
}

// 8-bit text with no declared charset (or the us-ascii default) is UTF-8 when
// it holds UTF-8, else Windows-1252; a declared charset is never second-guessed.
func TestUndeclaredCharset(t *testing.T) {
	for _, tc := range []struct{ name, header, body, want string }{
		{"no content type, UTF-8", "", "Seit heute fr\xc3\xbch, 5 \xe2\x82\xac", "Seit heute früh, 5 €"},
		{"no content type, Latin-1", "", "Die Hasen und die Fr\xf6sche", "Die Hasen und die Frösche"},
		{"no charset, Windows-1252 quotes", "Content-Type: text/plain\r\n", "\x93quoted\x94 \x80 5", "“quoted” € 5"},
		{"declared us-ascii, UTF-8 bytes", "Content-Type: text/plain; charset=us-ascii\r\n", "gr\xc3\xbc\xc3\x9fe", "grüße"},
		{"declared UTF-8 with broken bytes", "Content-Type: text/plain; charset=utf-8\r\n", "ok \xff end", "ok \uFFFD end"},
		{"declared Latin-1", "Content-Type: text/plain; charset=iso-8859-1\r\n", "gr\xfc\xdfe", "grüße"},
	} {
		msg, err := Parse([]byte("From: a@x.example\r\nSubject: x\r\n" + tc.header + "\r\n" + tc.body + "\r\n"))
		checkMessage(t, msg, err)
		if msg.Text != tc.want+"\n" {
			t.Errorf("%s: text %q, want %q", tc.name, msg.Text, tc.want)
		}
	}
}
