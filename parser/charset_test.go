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
