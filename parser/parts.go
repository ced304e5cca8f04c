package parser

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"net/url"
	"regexp"
	"strings"

	"github.com/emersion/go-message/charset"
	"github.com/jhillyerd/enmime/v2"
)

// walkParts calls visit for root and every part below it, depth first, in
// the order they stand in the mail.
func walkParts(root *enmime.Part, visit func(p *enmime.Part)) {
	for p := root; p != nil; p = p.NextSibling {
		visit(p)
		walkParts(p.FirstChild, visit)
	}
}

// implicitTextParts returns the leaf parts that carry no Content-Type and are
// therefore text/plain (RFC 2045 section 5.2), except inside
// multipart/digest, where the default is message/rfc822 (RFC 2046 section
// 5.1.5). enmime leaves their content out of the text body.
func implicitTextParts(root *enmime.Part) map[*enmime.Part]bool {
	out := map[*enmime.Part]bool{}
	walkParts(root, func(p *enmime.Part) {
		if p.FirstChild == nil && p != root && p.ContentType == "" && p.Disposition != "attachment" &&
			(p.Parent == nil || p.Parent.ContentType != "multipart/digest") {
			out[p] = true
		}
	})
	return out
}

// extParam matches an RFC 2231 extended parameter that mailers wrongly put in
// quotes, such as filename*="iso-8859-1'de'Fr%F6sche.txt"; enmime does not read them.
var extParam = regexp.MustCompile(`(?i)(?:^|;)\s*(?:file)?name\*\s*=\s*"?([^";]+)"?`)

// fileName is the name of a part: what enmime read, else a quoted RFC 2231
// value from Content-Disposition or Content-Type. Only the last path element
// is kept (RFC 2183 section 2.3: a receiver must not use directory paths), so
// "C:\TEMP\scan.png" is "scan.png".
func fileName(p *enmime.Part) string {
	name := p.FileName
	if name == "" {
		for _, h := range []string{"Content-Disposition", "Content-Type"} {
			if m := extParam.FindStringSubmatch(p.Header.Get(h)); m != nil {
				if name = decode2231(m[1]); name != "" {
					break
				}
			}
		}
	}
	if i := strings.LastIndexAny(name, `/\`); i >= 0 && i < len(name)-1 {
		name = name[i+1:]
	}
	return strings.TrimSpace(valid(name))
}

// decode2231 decodes charset'language'percent-encoded (RFC 2231 section 4).
func decode2231(v string) string {
	cs, rest, ok := strings.Cut(v, "'")
	if !ok {
		return ""
	}
	_, enc, ok := strings.Cut(rest, "'")
	if !ok {
		return ""
	}
	raw, err := url.PathUnescape(enc)
	if err != nil {
		return ""
	}
	return toUTF8(cs, []byte(raw))
}

// toUTF8 converts b from charset cs, leaving it as it is when cs is unknown.
func toUTF8(cs string, b []byte) string {
	if cs == "" || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "us-ascii") {
		return valid(string(b))
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		return valid(string(b))
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return valid(string(b))
	}
	return valid(string(out))
}

// encodedWord matches one RFC 2047 encoded word, letting raw 8-bit bytes
// stand inside it as old mailers wrote them.
var encodedWord = regexp.MustCompile(`=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=`)

// decodeWordsLeniently decodes the encoded words of v that a strict decoder
// refused, with white space between adjacent words dropped (RFC 2047
// section 6.2).
func decodeWordsLeniently(v string) string {
	var b strings.Builder
	last := 0
	for _, m := range encodedWord.FindAllStringSubmatchIndex(v, -1) {
		between := v[last:m[0]]
		if last == 0 || strings.TrimSpace(between) != "" {
			b.WriteString(between)
		}
		cs, enc, text := v[m[2]:m[3]], v[m[4]:m[5]], v[m[6]:m[7]]
		if i := strings.IndexByte(cs, '*'); i >= 0 { // RFC 2231 section 5 language
			cs = cs[:i]
		}
		var raw []byte
		if enc == "B" || enc == "b" {
			raw, _ = base64.StdEncoding.DecodeString(text)
		} else {
			raw, _ = io.ReadAll(quotedprintable.NewReader(strings.NewReader(strings.ReplaceAll(text, "_", " "))))
		}
		b.WriteString(toUTF8(cs, raw))
		last = m[1]
	}
	b.WriteString(v[last:])
	return b.String()
}
