package parser

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRTFPrebuffer(t *testing.T) {
	if len(rtfPrebuffer) != 207 {
		t.Errorf("prebuffer of %d bytes, [MS-OXRTFCP] 2.1.2.1 has 207", len(rtfPrebuffer))
	}
}

// mela wraps data as uncompressed RTF ([MS-OXRTFCP] 2.1.3.1).
func mela(data string) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(data)+12))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, "MELA\x00\x00\x00\x00"...)
	return append(b, data...)
}

func TestDecompressRTF(t *testing.T) {
	// [MS-OXRTFCP] section 3.1.1's example of compressed RTF.
	spec := []byte{0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7,
		0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20,
		0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0}
	got, err := DecompressRTF(spec)
	if want := "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n"; err != nil || string(got) != want {
		t.Errorf("spec example: %q, %v; want %q", got, err, want)
	}
	if got, err := DecompressRTF(mela("{\\rtf1 hi}")); err != nil || string(got) != "{\\rtf1 hi}" {
		t.Errorf("MELA: %q, %v", got, err)
	}
	for name, in := range map[string][]byte{
		"short header":   []byte("LZFu"),
		"unknown type":   append(slices.Clone(spec[:8]), "ABCD\x00\x00\x00\x00"...),
		"no end marker":  spec[:30],
		"MELA cut short": mela("{\\rtf1 hi}")[:18],
		"huge raw size":  append([]byte{0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f}, "LZFu\x00\x00\x00\x00"...),
	} {
		if _, err := DecompressRTF(in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// lzfu wraps LZFu data under a header that declares raw bytes of output.
func lzfu(raw uint32, data []byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(data)+12))
	b = binary.LittleEndian.AppendUint32(b, raw)
	b = append(b, "LZFu\x00\x00\x00\x00"...)
	return append(b, data...)
}

// A few bytes of LZFu that declare the largest raw size accepted neither
// reserve that memory nor give more than the data can expand to.
func TestDecompressRTFDeclaredSizeIsNotTrusted(t *testing.T) {
	// Eight literals, then a reference to the write position (207+8), the
	// end marker: 11 bytes of data.
	data := append([]byte{0x00}, "{\\rtf1 x}"[:8]...)
	data = append(data, 0x01, 0x0d, 0x70)
	in := lzfu(maxRTFSize, data)
	var before, after runtime.MemStats
	const runs = 4
	runtime.ReadMemStats(&before)
	for range runs {
		out, err := DecompressRTF(in)
		if err != nil || string(out) != "{\\rtf1 x"[:8] {
			t.Fatalf("DecompressRTF = %q, %v; want the eight literals", out, err)
		}
	}
	runtime.ReadMemStats(&after)
	// Trusting the header would allocate runs*16 MiB.
	if got := after.TotalAlloc - before.TotalAlloc; got > maxRTFSize/4 {
		t.Errorf("%d calls on %d bytes declaring %d allocated %d bytes", runs, len(in), maxRTFSize, got)
	}
}

// Output beyond the declared raw size is an error, and what is returned
// stops at the raw size; every reference at its longest cannot expand the
// data beyond lzfuMaxOut.
func TestDecompressRTFOutputBounds(t *testing.T) {
	spec := []byte{0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7,
		0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20,
		0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0}
	short := slices.Clone(spec)
	binary.LittleEndian.PutUint32(short[4:], 10)
	out, err := DecompressRTF(short)
	if err == nil || string(out) != "{\\rtf1\\ans" {
		t.Errorf("raw size 10 of 43: %q, %v; want the first 10 bytes and an error", out, err)
	}

	// Control bytes 0xff, each followed by eight references of 17 bytes
	// from offset 0 (never the write position before the ring wraps).
	var data []byte
	for range 16 {
		data = append(data, 0xff)
		for range 8 {
			data = append(data, 0x00, 0x0f)
		}
	}
	out, err = DecompressRTF(lzfu(maxRTFSize, data))
	if err == nil || len(out) != 16*8*17 || len(out) > lzfuMaxOut(len(data)) {
		t.Errorf("longest references: %d bytes, %v; want %d (bound %d) and no end marker", len(out), err, 16*8*17, lzfuMaxOut(len(data)))
	}
}

// Every compressed RTF body among MimeKit's samples decompresses to the
// sample's message.rtf (which some store with LF line ends).
func TestDecompressRTFCorpus(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(tnefCorpusDir, "*.tnef"))
	if len(paths) == 0 {
		t.Skipf("MimeKit TNEF samples not found at %s (a clone without ../shared)", tnefCorpusDir)
	}
	n := 0
	for _, p := range paths {
		want, err := os.ReadFile(strings.TrimSuffix(p, ".tnef") + "/message.rtf")
		if err != nil {
			continue
		}
		raw, _ := os.ReadFile(p)
		x, _ := ReadTNEF(raw)
		got, err := DecompressRTF(x.RTF)
		if err != nil || !(bytes.Equal(got, want) || bytes.Equal(bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n")), want)) {
			t.Errorf("%s: %d bytes, %v; message.rtf has %d", filepath.Base(p), len(got), err, len(want))
		}
		n++
	}
	if n < 10 {
		t.Errorf("compared %d RTF bodies, the samples hold 11", n)
	}
}

func TestRTFText(t *testing.T) {
	for in, want := range map[string]string{
		`{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}{\colortbl;\red0\green0\blue0;}\pard Caf\'e9 \b ok\b0\par next\tab col\par}`: "Café ok\nnext\tcol\n",
		`{\rtf1\uc1 \u8364? and \u-3913? and \{braces\} \\ back\line x}`:                                                           "€ and \uf0b7 and {braces} \\ back\nx",
		`{\rtf1\ansi\fromhtml1 {\*\htmltag19 <p>}\htmlrtf {\htmlrtf0 Hello\htmlrtf\par}\htmlrtf0 {\*\htmltag <br>}}`:               "Hello\n",
		`{\rtf1\ansi\ansicpg1251 \'cf\'f0\'e8\'e2\'e5\'f2}`:                                                                        "Привет",
		`{\rtf1 {\*\generator Riched20;}{\pict\pngblip 89504e47}text}` + "\x00":                                                    "text",
	} {
		if got := rtfText([]byte(in)); got != want {
			t.Errorf("rtfText(%q) = %q, want %q", in, got, want)
		}
	}
}

// \uN is a UTF-16 code unit: a surrogate pair is one character; \binN
// data is skipped, braces and all.
func TestRTFTextUnicodeAndBinary(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"surrogate pair", `{\rtf1\uc1 smile \u-10179?\u-8704? ok}`, "smile \U0001F600 ok"},
		{"surrogate pair, no fallback", `{\rtf1\uc0 \u-10179\u-8704 x}`, "\U0001F600x"},
		{"surrogate pair, hex fallback", `{\rtf1\uc1 \u55357\'3f\u56832\'3f!}`, "\U0001F600!"},
		{"two pairs", `{\rtf1 \u-10179?\u-8704?\u-10179?\u-8703?}`, "\U0001F600\U0001F601"},
		{"high half then text", `{\rtf1 \u-10179? a}`, "\ufffd a"},
		{"high half then hex byte", `{\rtf1\uc0 \u-10179\'e9}`, "\ufffdé"},
		{"high half at the end", `{\rtf1 a\u-10179?}`, "a\ufffd"},
		{"lone low half", `{\rtf1 \u-8704?b}`, "\ufffdb"},
		{"two high halves then low", `{\rtf1 \u-10179?\u-10179?\u-8704?}`, "\ufffd\U0001F600"},
		{"high half then a BMP character", `{\rtf1 \u-10179?\u8364?}`, "\ufffd€"},
		{"out of range", `{\rtf1 \u70000?x}`, "\ufffdx"},
		{"binary in a picture", `{\rtf1 a{\pict\bin4 }}xy}b}`, "ab"},
		{"binary in the text", `{\rtf1 x\bin3 abcy}`, "xy"},
		{"binary beyond the end", `{\rtf1 x\bin999 ab`, "x"},
		{"no binary", `{\rtf1 x\bin0 y}`, "xy"},
	}
	for _, tc := range tests {
		if got := rtfText([]byte(tc.in)); got != tc.want {
			t.Errorf("%s: rtfText(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// tnefMail wraps a TNEF stream as the only part of a mail, as Outlook sends
// it to clients that do not speak TNEF.
func tnefMail(data []byte) []byte {
	b64 := base64.StdEncoding.EncodeToString(data)
	var lines []string
	for len(b64) > 76 {
		lines, b64 = append(lines, b64[:76]), b64[76:]
	}
	lines = append(lines, b64)
	return []byte("From: a@x.example\r\nSubject: rtf\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment; filename=winmail.dat\r\n\r\n" + strings.Join(lines, "\r\n") + "\r\n--b--\r\n")
}

// A winmail.dat whose body is compressed RTF gives the RTF's text, never
// the raw MIME or base64 of the mail.
func TestWinmailDatRTFBodyIsTheText(t *testing.T) {
	for _, tc := range []struct {
		sample string
		text   []string
		files  []string
	}{
		{"rtf", []string{"aafgag'alga'kgk", "Greg Allen", "978-318-6939 (Fax)"}, nil},
		{"attachments", []string{"Casdasdfasdfasd"}, []string{"zappa_av1.jpg", "bookmark.htm"}},
	} {
		data, err := os.ReadFile(filepath.Join(tnefCorpusDir, tc.sample+".tnef"))
		if err != nil {
			t.Skipf("MimeKit TNEF sample not found (a clone without ../shared): %v", err)
		}
		msg, perr := Parse(tnefMail(data))
		checkMessage(t, msg, perr)
		for _, w := range tc.text {
			if !strings.Contains(msg.Text, w) {
				t.Errorf("%s: text %q lacks %q", tc.sample, msg.Text, w)
			}
		}
		for _, bad := range []string{"Content-Type", "base64", "rtf1", "\\par"} {
			if strings.Contains(msg.Text, bad) {
				t.Errorf("%s: text holds %q: %q", tc.sample, bad, msg.Text)
			}
		}
		var names []string
		for _, a := range msg.Attachments {
			names = append(names, a.Filename)
		}
		if !slices.Equal(names, tc.files) {
			t.Errorf("%s: attachments %q, want %q", tc.sample, names, tc.files)
		}
		if len(msg.Problems) != 0 {
			t.Errorf("%s: problems %q", tc.sample, msg.Problems)
		}
	}
}

// When the RTF body gives no text, or the stream nothing at all, what it
// carried is kept as a file and the ticket says so.
func TestWinmailDatWithoutTextIsKept(t *testing.T) {
	rtfProp := func(rtf []byte) []byte { return varProp(0x1009, 0x0102, nil, rtf) }
	for _, tc := range []struct {
		name, file, problem string
		in                  []byte
	}{
		{"RTF without text", "body.rtf", "no text could be read from the RTF body; it is kept as body.rtf",
			newTNEF().attr(1, tagMsgProps, propList(rtfProp(mela(`{\rtf1{\fonttbl{\f0 Arial;}}}`)))).bytes()},
		{"RTF that cannot be decompressed", "body.rtf", "RTF body partly unreadable",
			newTNEF().attr(1, tagMsgProps, propList(rtfProp([]byte("\x0c\x00\x00\x00\x20\x00\x00\x00LZFu\x00\x00\x00\x00")))).bytes()},
		{"no body and no file", "winmail.dat", "holds no body and no file; kept as it is", newTNEF().bytes()},
	} {
		msg, perr := Parse(tnefMail(tc.in))
		checkMessage(t, msg, perr)
		if len(msg.Attachments) != 1 || msg.Attachments[0].Filename != tc.file {
			t.Errorf("%s: attachments %+v, want %s", tc.name, msg.Attachments, tc.file)
		}
		if !slices.ContainsFunc(msg.Problems, func(p string) bool { return strings.Contains(p, tc.problem) }) {
			t.Errorf("%s: problems %q lack %q", tc.name, msg.Problems, tc.problem)
		}
		if strings.Contains(msg.Text, "base64") || strings.Contains(msg.Text, "Content-Type") {
			t.Errorf("%s: raw MIME as text: %q", tc.name, msg.Text)
		}
	}
}

// FuzzDecompressRTF checks DecompressRTF and rtfText on any input: no panic,
// output within its bound, valid UTF-8 text.
func FuzzDecompressRTF(f *testing.F) {
	f.Add(mela(`{\rtf1 hi\par}`))
	f.Add([]byte{0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7,
		0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20,
		0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0})
	f.Fuzz(func(t *testing.T, b []byte) {
		out, _ := DecompressRTF(b)
		if len(out) > maxRTFSize || len(b) >= 16 && (len(out) > lzfuMaxOut(len(b)-16) && string(b[8:12]) == "LZFu" || len(out) > int(binary.LittleEndian.Uint32(b[4:]))) {
			t.Fatalf("%d bytes out of %d", len(out), len(b))
		}
		if s := rtfText(out); !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 %q", s)
		}
		if s := rtfText(b); !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 %q", s)
		}
	})
}
