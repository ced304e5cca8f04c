package parser

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// Full attribute tags (type in the high word, ID in the low word) as Outlook
// writes them ([MS-OXTNEF] 2.1.3.3).
const (
	tagTnefVersion    = 0x00089006
	tagBody           = 0x0002800C
	tagAttachData     = 0x0006800F
	tagAttachTitle    = 0x00018010
	tagAttachRenddata = 0x00069002
	tagMsgProps       = 0x00069003
	tagAttachment     = 0x00069005
)

// tnefStream writes a TNEF stream for the tests: signature, key and
// attributes with correct checksums, summed here independently of the reader.
type tnefStream struct{ b []byte }

func newTNEF() *tnefStream {
	s := &tnefStream{}
	s.b = binary.LittleEndian.AppendUint32(s.b, 0x223E9F78)
	s.b = binary.LittleEndian.AppendUint16(s.b, 0x0101)
	return s.attr(1, tagTnefVersion, u32le(0x00010000))
}

func (s *tnefStream) attr(level byte, tag uint32, data []byte) *tnefStream {
	s.b = append(s.b, level)
	s.b = binary.LittleEndian.AppendUint32(s.b, tag)
	s.b = binary.LittleEndian.AppendUint32(s.b, uint32(len(data)))
	s.b = append(s.b, data...)
	var sum int
	for _, c := range data {
		sum += int(c)
	}
	s.b = binary.LittleEndian.AppendUint16(s.b, uint16(sum%65536))
	return s
}

// file writes one attachment the way old Outlook does: attAttachRenddata,
// attAttachTitle, attAttachData, then attAttachment when props are given.
func (s *tnefStream) file(title, data string, props ...[]byte) *tnefStream {
	s.attr(2, tagAttachRenddata, make([]byte, 14))
	if title != "" {
		s.attr(2, tagAttachTitle, []byte(title+"\x00"))
	}
	s.attr(2, tagAttachData, []byte(data))
	if len(props) > 0 {
		s.attr(2, tagAttachment, propList(props...))
	}
	return s
}

func (s *tnefStream) bytes() []byte { return slices.Clone(s.b) }

func u32le(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// propList encodes a MAPI property list ([MS-OXTNEF] 2.1.3.4).
func propList(props ...[]byte) []byte {
	b := u32le(uint32(len(props)))
	for _, p := range props {
		b = append(b, p...)
	}
	return b
}

// varProp encodes a property with counted values (strings, binary, object,
// or any multi-valued one); name is the named-property spec, if any.
func varProp(id, typ uint16, name []byte, values ...[]byte) []byte {
	b := u32le(uint32(id)<<16 | uint32(typ))
	b = append(b, name...)
	b = append(b, u32le(uint32(len(values)))...)
	for _, v := range values {
		b = append(b, u32le(uint32(len(v)))...)
		b = pad4(append(b, v...))
	}
	return b
}

// fixedProp encodes a single fixed-size value, padded to 4 bytes.
func fixedProp(id, typ uint16, name []byte, value []byte) []byte {
	b := u32le(uint32(id)<<16 | uint32(typ))
	b = append(b, name...)
	return pad4(append(b, value...))
}

// mvFixedProp encodes a multi-valued fixed-size property: a count, then the
// values, each padded to 4 bytes, with no lengths.
func mvFixedProp(id, typ uint16, values ...[]byte) []byte {
	b := u32le(uint32(id)<<16 | uint32(typ))
	b = append(b, u32le(uint32(len(values)))...)
	for _, v := range values {
		b = pad4(append(b, v...))
	}
	return b
}

func str8Prop(id uint16, s string) []byte { return varProp(id, 0x001E, nil, []byte(s+"\x00")) }

func utf16z(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s + "\x00")) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func unicodeProp(id uint16, s string) []byte { return varProp(id, 0x001F, nil, utf16z(s)) }

var testGUID = []byte("0123456789abcdef")

// nameByID and nameByString encode a named property's name: GUID, kind, and
// a number or a padded UTF-16LE string.
func nameByID(n uint32) []byte {
	return append(append(slices.Clone(testGUID), u32le(0)...), u32le(n)...)
}

func nameByString(s string) []byte {
	b := append(slices.Clone(testGUID), u32le(1)...)
	z := utf16z(s)
	return pad4(append(append(b, u32le(uint32(len(z)))...), z...))
}

// noise is a set of properties the reader must read past: named ones (by
// number and by string), multi-valued, fixed-size ones of every width, and
// an odd-length binary that needs padding.
func noise() [][]byte {
	return [][]byte{
		fixedProp(0x0E21, 0x0003, nil, u32le(7)),
		varProp(0x8001, 0x001E, nameByID(0x8554), []byte("8.5\x00")),
		varProp(0x8002, 0x001F, nameByString("x-ms-has-attach"), utf16z("yes")),
		fixedProp(0x8003, 0x000B, nameByString("odd"), []byte{1, 0}),
		varProp(0x0E0A, 0x101E, nil, []byte("one\x00"), []byte("three\x00"), []byte{}),
		mvFixedProp(0x1205, 0x1002, []byte{1, 0}, []byte{2, 0}),
		mvFixedProp(0x1206, 0x1014, make([]byte, 8), make([]byte, 8), make([]byte, 8)),
		fixedProp(0x0017, 0x0002, nil, []byte{1, 0}),
		fixedProp(0x3007, 0x0040, nil, make([]byte, 8)),
		fixedProp(0x0FFF, 0x0048, nil, testGUID),
		varProp(0x0FF9, 0x0102, nil, []byte{1, 2, 3, 4, 5}),
	}
}

var (
	iidMessage = []byte{0x07, 0x03, 0x02, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46}
	iidStorage = []byte{0x0B, 0, 0, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46}
)

type tnefCase struct {
	name    string
	in      []byte
	want    TNEF
	wantErr string // a part of the error; "" means no error
}

func tnefCases() []tnefCase {
	two := newTNEF().attr(1, tagBody, []byte("hello\r\n\x00")).file("AUTHORS", "a list of authors").file("README", "read me first").bytes()
	// cut in the middle of README's attAttachData
	truncated := two[:bytes.Index(two, []byte("read me"))+4]
	badSum := newTNEF().file("a.txt", "abc").bytes()
	badSum[len(badSum)-1] ^= 0xFF // the checksum of the last attribute
	placeholder := "This attachment is a MAPI 1.0 embedded message and is not supported by this mail system."
	return []tnefCase{
		{
			name: "one file",
			in:   newTNEF().file("AUTHORS", "a list of authors").bytes(),
			want: TNEF{Files: []TNEFFile{{Name: "AUTHORS", Data: []byte("a list of authors")}}},
		},
		{
			name: "two files and attBody",
			in:   two,
			want: TNEF{Body: "hello\r\n", Files: []TNEFFile{
				{Name: "AUTHORS", Data: []byte("a list of authors")},
				{Name: "README", Data: []byte("read me first")},
			}},
		},
		{
			name: "long file name and MIME tag from MAPI, among named and multi-valued properties",
			in: newTNEF().file("QUARTE~1.XLS", "sheet", append(noise(),
				str8Prop(0x3707, "quarterly figures.xlsx"),
				str8Prop(0x3704, "QUARTE~1.XLS"),
				str8Prop(0x370E, "application/vnd.ms-excel"),
			)...).bytes(),
			want: TNEF{Files: []TNEFFile{{Name: "quarterly figures.xlsx", Data: []byte("sheet"), ContentType: "application/vnd.ms-excel"}}},
		},
		{
			name: "unicode long file name",
			in: newTNEF().file("BERICH~1.PDF", "%PDF", append(noise(),
				unicodeProp(0x3707, "Bericht für Ärzte – März.pdf"),
				unicodeProp(0x370E, "application/pdf"),
			)...).bytes(),
			want: TNEF{Files: []TNEFFile{{Name: "Bericht für Ärzte – März.pdf", Data: []byte("%PDF"), ContentType: "application/pdf"}}},
		},
		{
			name: "Windows-1252 title",
			in:   newTNEF().file("r\xe9sum\xe9 \x80.doc", "x").bytes(),
			want: TNEF{Files: []TNEFFile{{Name: "résumé €.doc", Data: []byte("x")}}},
		},
		{
			name: "PR_ATTACH_FILENAME when there is no long name",
			in:   newTNEF().file("", "x", str8Prop(0x3704, "SHORT.TXT")).bytes(),
			want: TNEF{Files: []TNEFFile{{Name: "SHORT.TXT", Data: []byte("x")}}},
		},
		{
			name: "no name at all",
			in:   newTNEF().file("", "first").file("\x00", "second").bytes(),
			want: TNEF{Files: []TNEFFile{{Name: "attachment-1", Data: []byte("first")}, {Name: "attachment-2", Data: []byte("second")}}},
		},
		{
			name: "data in PR_ATTACH_DATA_BIN, no attAttachData",
			in: newTNEF().attr(2, tagAttachRenddata, make([]byte, 14)).attr(2, tagAttachment, propList(
				varProp(0x3701, 0x0102, nil, []byte("%PDF-1.3 odd")),
				str8Prop(0x3707, "report.pdf"),
			)).bytes(),
			want: TNEF{Files: []TNEFFile{{Name: "report.pdf", Data: []byte("%PDF-1.3 odd")}}},
		},
		{
			name: "embedded message: PR_ATTACH_DATA_OBJ wins over the placeholder, IID dropped",
			in: newTNEF().file("Untitled Attachment", placeholder,
				varProp(0x3701, 0x000D, nil, append(slices.Clone(iidMessage), "\x78\x9f\x3e\x22nested"...)),
			).bytes(),
			want: TNEF{Files: []TNEFFile{{Name: "Untitled Attachment", Data: []byte("\x78\x9f\x3e\x22nested")}}},
		},
		{
			name: "OLE object: IID_IStorage dropped",
			in: newTNEF().attr(2, tagAttachRenddata, make([]byte, 14)).attr(2, tagAttachTitle, []byte("Picture\x00")).
				attr(2, tagAttachment, propList(varProp(0x3701, 0x000D, nil, append(slices.Clone(iidStorage), "\xd0\xcf\x11\xe0"...)))).bytes(),
			want: TNEF{Files: []TNEFFile{{Name: "Picture", Data: []byte("\xd0\xcf\x11\xe0")}}},
		},
		{
			name: "attachment without data is left out",
			in:   newTNEF().attr(2, tagAttachRenddata, make([]byte, 14)).attr(2, tagAttachTitle, []byte("link.url\x00")).file("b", "").bytes(),
			want: TNEF{Files: []TNEFFile{{Name: "b", Data: []byte{}}}},
		},
		{
			name: "body, HTML and RTF from attMsgProps; PR_BODY wins over attBody",
			in: newTNEF().attr(1, tagBody, []byte("old body\x00")).attr(1, tagMsgProps, propList(append(noise(),
				unicodeProp(0x1000, "Grüße\r\n"),
				varProp(0x1013, 0x0102, nil, []byte("<p>caf\xe9</p>")),
				varProp(0x1009, 0x0102, nil, []byte("\x0c\x00\x00\x00\x20\x00\x00\x00LZFu\x00\x00\x00\x00")),
			)...)).bytes(),
			want: TNEF{Body: "Grüße\r\n", HTML: "<p>café</p>", RTF: []byte("\x0c\x00\x00\x00\x20\x00\x00\x00LZFu\x00\x00\x00\x00")},
		},
		{
			name: "HTML as PtypString8",
			in:   newTNEF().attr(1, tagMsgProps, propList(str8Prop(0x1013, "<b>hi</b>"))).bytes(),
			want: TNEF{HTML: "<b>hi</b>"},
		},
		{
			name:    "truncated stream",
			in:      truncated,
			want:    TNEF{Body: "hello\r\n", Files: []TNEFFile{{Name: "AUTHORS", Data: []byte("a list of authors")}}},
			wantErr: "stream truncated",
		},
		{
			name:    "wrong signature",
			in:      append([]byte{0x78, 0x9f, 0x3e, 0x23}, newTNEF().file("a", "b").bytes()[4:]...),
			wantErr: "signature",
		},
		{name: "empty", in: nil, wantErr: "too short"},
		{name: "signature only", in: []byte{0x78, 0x9f, 0x3e, 0x22, 1}, wantErr: "too short"},
		{
			name:    "wrong checksum: data kept",
			in:      badSum,
			want:    TNEF{Files: []TNEFFile{{Name: "a.txt", Data: []byte("abc")}}},
			wantErr: "checksum",
		},
		{
			name:    "garbage at the end",
			in:      append(newTNEF().file("a", "b").bytes(), "\n"...),
			want:    TNEF{Files: []TNEFFile{{Name: "a", Data: []byte("b")}}},
			wantErr: "1 stray bytes",
		},
		{
			name:    "attribute level neither 1 nor 2",
			in:      newTNEF().file("a", "b").attr(3, tagAttachTitle, []byte("c\x00")).file("d", "e").bytes(),
			want:    TNEF{Files: []TNEFFile{{Name: "a", Data: []byte("b")}}},
			wantErr: "level 3",
		},
		{
			name: "property list shorter than its count: what was read is kept",
			in: newTNEF().attr(2, tagAttachRenddata, make([]byte, 14)).attr(2, tagAttachTitle, []byte("SHORT~1.TXT\x00")).
				attr(2, tagAttachData, []byte("x")).attr(2, tagAttachment, append(u32le(5), str8Prop(0x3707, "long name.txt")...)).bytes(),
			want:    TNEF{Files: []TNEFFile{{Name: "long name.txt", Data: []byte("x")}}},
			wantErr: "property 2 of 5",
		},
		{
			name:    "unknown property type stops the list, not the stream",
			in:      newTNEF().file("a.txt", "x", str8Prop(0x370E, "text/plain"), fixedProp(0x0001, 0x0099, nil, u32le(1)), str8Prop(0x3707, "lost.txt")).file("b", "y").bytes(),
			want:    TNEF{Files: []TNEFFile{{Name: "a.txt", Data: []byte("x"), ContentType: "text/plain"}, {Name: "b", Data: []byte("y")}}},
			wantErr: "type 0x0099 unknown",
		},
		{
			name: "huge value counts",
			in: newTNEF().file("a", "x",
				append(u32le(0x0E0A101E), u32le(0xFFFFFFFF)...),
			).file("b", "y", append(u32le(0x0E0B1014), u32le(0x40000000)...)).
				file("c", "z", append(u32le(0x0E0C1001), u32le(0xFFFFFFFF)...)).bytes(),
			want:    TNEF{Files: []TNEFFile{{Name: "a", Data: []byte("x")}, {Name: "b", Data: []byte("y")}, {Name: "c", Data: []byte("z")}}},
			wantErr: "4294967295 values",
		},
	}
}

func TestReadTNEF(t *testing.T) {
	for _, c := range tnefCases() {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadTNEF(c.in)
			if got == nil {
				t.Fatalf("ReadTNEF returned a nil *TNEF (err %v)", err)
			}
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("error %v, want one containing %q", err, c.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans lines", err)
			}
			if !reflect.DeepEqual(*got, c.want) {
				t.Errorf("got  %s\nwant %s", describeTNEF(got), describeTNEF(&c.want))
			}
			checkTNEF(t, got, len(c.in))
		})
	}
}

func describeTNEF(x *TNEF) string {
	var s strings.Builder
	fmt.Fprintf(&s, "Body %q HTML %q RTF %q Files [", x.Body, x.HTML, x.RTF)
	for _, f := range x.Files {
		fmt.Fprintf(&s, " {%q %q %q}", f.Name, f.ContentType, f.Data)
	}
	s.WriteString(" ]")
	return s.String()
}

// checkTNEF checks what holds for any input: valid UTF-8 everywhere, a name
// for every file, and no more bytes out than went in.
func checkTNEF(t *testing.T, x *TNEF, inLen int) {
	t.Helper()
	total := len(x.RTF)
	for i, f := range x.Files {
		if f.Name == "" || !utf8.ValidString(f.Name) || !utf8.ValidString(f.ContentType) {
			t.Errorf("file %d: name %q, content type %q: want valid UTF-8 and a name", i, f.Name, f.ContentType)
		}
		if len(f.Data) > inLen {
			t.Errorf("file %d (%q): %d bytes of data from %d bytes of input", i, f.Name, len(f.Data), inLen)
		}
		total += len(f.Data)
	}
	if total > inLen {
		t.Errorf("%d bytes of files and RTF from %d bytes of input", total, inLen)
	}
	if !utf8.ValidString(x.Body) || !utf8.ValidString(x.HTML) {
		t.Errorf("Body or HTML not valid UTF-8: %q %q", x.Body, x.HTML)
	}
}

func TestReadTNEFDataIsACopy(t *testing.T) {
	in := newTNEF().file("a", "abc").bytes()
	got, err := ReadTNEF(in)
	if err != nil || len(got.Files) != 1 {
		t.Fatalf("ReadTNEF: %v, %d files", err, len(got.Files))
	}
	clear(in)
	if string(got.Files[0].Data) != "abc" {
		t.Errorf("Data changed with the input: %q", got.Files[0].Data)
	}
}

func TestTNEFString8(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                   "plain",
		"stops\x00at NUL":         "stops",
		"utf-8 \xc3\xa9":          "utf-8 é",
		"cp1252 \xe9\x80\x9f\x81": "cp1252 é€Ÿ\uFFFD",
		"\x93quoted\x94 \x96 x":   "“quoted” – x",
	} {
		if got := string8([]byte(in)); got != want {
			t.Errorf("string8(%q) = %q, want %q", in, got, want)
		}
	}
	if got := unicodeString([]byte{'a', 0, 0x3D, 0xD8, 'b', 0, 0, 0, 'c', 0}); got != "a\uFFFDb" {
		t.Errorf("unicodeString with a lone surrogate = %q", got)
	}
	if got := unicodeString([]byte{'a', 0, 'b'}); got != "a" {
		t.Errorf("unicodeString with an odd byte = %q", got)
	}
}

// tnefCorpusDir holds MimeKit's TNEF samples: for each X.tnef, X.list names
// the attachments inside (and body.rtf / body.html when the body is RTF or
// HTML) and the folder X/ holds the files another extractor wrote, with
// message.rtf (decompressed), message.html and message.txt for the body.
var tnefCorpusDir = filepath.Join(corpusDir, "mimekit", "tnef")

// tnefSample is what one sample must give. broken marks the samples that
// are malformed on purpose: the table and the sample's .list and folder must
// hold for them too (what is read is checked byte for byte); err says
// whether ReadTNEF reports the stream malformed (two of them it reads whole).
type tnefSample struct {
	name   string
	files  []string          // the files ReadTNEF gives, in order
	types  map[string]string // content types checked, by file name
	err    bool              // ReadTNEF reports the stream malformed
	broken bool
}

// tnefSamples holds every sample, with the reason where the expectation
// departs from the sample's .list or folder.
var tnefSamples = []tnefSample{
	// Data only in PR_ATTACH_DATA_BIN (no attAttachData); long names from
	// 0x3707, where 0x3704 holds the 8.3 names.
	{name: "MAPI_ATTACH_DATA_OBJ", files: []string{"VIA_Nytt_1402.doc", "VIA_Nytt_1402.pdf", "VIA_Nytt_14021.htm"}},
	// An OLE object in PR_ATTACH_DATA_OBJ; the sample's file keeps the
	// IID_IStorage prefix, ReadTNEF drops it (compared accordingly).
	{name: "MAPI_OBJECT", files: []string{"Untitled_Attachment"}},
	{name: "attachments", files: []string{"zappa_av1.jpg", "bookmark.htm"}},
	{name: "body"},
	// Two embedded messages: attAttachData holds Outlook's placeholder
	// sentence, PR_ATTACH_DATA_OBJ the message. The sample's extractor wrote
	// both (four "Untitled Attachment" in the .list); ReadTNEF gives the
	// message only, so each name is there once.
	{name: "christmas", files: []string{"kitten-playing-with-a-christmas-tree.jpg", "Untitled Attachment", "Untitled Attachment"}},
	// Broken on purpose: attAttachData comes before attAttachTitle, and two
	// files are empty. Names and data still pair up per attachment.
	{name: "data-before-name", files: []string{"AUTOEXEC.BAT", "CONFIG.SYS", "boot.ini"}, broken: true},
	// Broken on purpose: one stray byte after the last attribute. No files;
	// the body properties before it are read; an error is reported.
	{name: "garbage-at-end", err: true, broken: true},
	// The .list names only body.rtf, but the sample's folder holds the file:
	// the long name comes from PR_ATTACH_LONG_FILENAME (title ALLPRO~1.DAT).
	{name: "long-filename", files: []string{"allproductsmar2000.dat"}},
	// Broken on purpose: attAttachTitle is empty for three of four files;
	// their names come from PR_ATTACH_LONG_FILENAME, as in the folder. The
	// .list names no file at all.
	{name: "missing-filenames", files: []string{"generpts.src", "TechlibDEC99.doc", "TechlibDEC99-JAN00.doc", "TechlibNOV99.doc"}, broken: true},
	// Named properties with string names and a multi-valued PtypString8.
	{name: "multi-name-property"},
	{name: "multi-value-attribute", files: []string{"208225__5_seconds__Voice_Mail.mp3"}, types: map[string]string{"208225__5_seconds__Voice_Mail.mp3": "audio/mp3"}},
	{name: "one-file", files: []string{"AUTHORS"}, types: map[string]string{"AUTHORS": "application/octet-stream"}},
	// Broken on purpose: garbage (level 75, a length of 1.6 GB) after the
	// third attachment, which crashed readers. The three images are kept and
	// the truncation is reported.
	{name: "panic", files: []string{"image001.jpg", "image002.jpg", "image003.png"}, err: true, broken: true},
	{name: "rtf"},
	{name: "triples"},
	{name: "two-files", files: []string{"AUTHORS", "README"}},
	// UTF-16 (PtypString) names and MIME tags.
	{name: "unicode-mapi-attr", files: []string{"example.dat"}},
	{name: "unicode-mapi-attr-name", files: []string{"spaconsole2.cfg", "image001.png", "image002.png", "image003.png"},
		types: map[string]string{"image001.png": "image/png", "spaconsole2.cfg": ""}},
	// Two OLE pictures in PR_ATTACH_DATA_OBJ (IID_IStorage, see MAPI_OBJECT).
	{name: "winmail", files: []string{"Untitled Attachment", "Untitled Attachment"}},
}

// TestTNEFCorpus reads every MimeKit TNEF sample: the table above must hold,
// every name of the sample's .list must be among the files, and every file
// and body the sample's folder holds must match what ReadTNEF gives.
func TestTNEFCorpus(t *testing.T) {
	if _, err := os.Stat(tnefCorpusDir); err != nil {
		t.Skipf("MimeKit TNEF samples not found at %s (a clone without ../shared): %v", tnefCorpusDir, err)
	}
	paths, err := filepath.Glob(filepath.Join(tnefCorpusDir, "*.tnef"))
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	var agree, files, bytesCompared int
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".tnef")
		seen = append(seen, name)
		i := slices.IndexFunc(tnefSamples, func(s tnefSample) bool { return s.name == name })
		if i < 0 {
			t.Errorf("sample %s has no line in tnefSamples", name)
			continue
		}
		s := tnefSamples[i]
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, rerr := ReadTNEF(raw)
			checkTNEF(t, got, len(raw))
			// The table: our decision for every sample, broken or not.
			var names []string
			for _, f := range got.Files {
				names = append(names, f.Name)
			}
			if !slices.Equal(names, s.files) {
				t.Errorf("files %q, want %q", names, s.files)
			}
			if (rerr != nil) != s.err {
				t.Errorf("error %v, want error: %v", rerr, s.err)
			}
			for _, f := range got.Files {
				if want, ok := s.types[f.Name]; ok && f.ContentType != want {
					t.Errorf("%s: content type %q, want %q", f.Name, f.ContentType, want)
				}
			}
			// The sample's own expectations.
			var diffs []string
			diffs = append(diffs, compareTNEFList(path, got)...)
			d, notes, n, b := compareTNEFFolder(strings.TrimSuffix(path, ".tnef"), got)
			diffs = append(diffs, d...)
			for _, note := range notes {
				t.Logf("matches %s", note)
			}
			for _, d := range diffs {
				t.Errorf("%s", d)
			}
			if len(diffs) == 0 && !t.Failed() {
				agree++
			}
			files += n
			bytesCompared += b
		})
	}
	for _, s := range tnefSamples {
		if !slices.Contains(seen, s.name) {
			t.Errorf("tnefSamples names %s, which is not among the samples", s.name)
		}
	}
	fmt.Printf("corpus mimekit/tnef: %d/%d samples give their attachments (%d files, %d bytes compared)\n",
		agree, len(paths), files, bytesCompared)
}

// bodyMarkers are the .list lines that stand for the body, not a file.
var bodyMarkers = map[string]bool{"body.rtf": true, "body.html": true, "body.txt": true}

// compareTNEFList checks that every name in the sample's .list is among the
// files (as MimeKit's own test does: by name, not by count) and that a body
// the .list names is there.
func compareTNEFList(path string, got *TNEF) []string {
	list, err := os.ReadFile(strings.TrimSuffix(path, ".tnef") + ".list")
	if err != nil {
		return []string{err.Error()}
	}
	var diffs []string
	for _, line := range strings.Split(string(list), "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case line == "":
		case line == "body.rtf" && len(got.RTF) == 0, line == "body.html" && got.HTML == "", line == "body.txt" && got.Body == "":
			diffs = append(diffs, fmt.Sprintf(".list names %s; there is no such body", line))
		case bodyMarkers[line]:
		case !slices.ContainsFunc(got.Files, func(f TNEFFile) bool { return f.Name == line }):
			diffs = append(diffs, fmt.Sprintf(".list names %q; no file has that name", line))
		}
	}
	return diffs
}

// compareTNEFFolder compares each file with the sample folder's file of the
// same name (name.1, name.2, ... when names repeat), and the bodies with
// message.html, message.txt and message.rtf. It returns the differences,
// notes on files that matched other than byte for byte, and the number of
// files and bytes compared.
func compareTNEFFolder(dir string, got *TNEF) (diffs, notes []string, files, size int) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, 0, 0 // no folder: names only
	}
	for _, f := range got.Files {
		var candidates [][]byte
		for _, e := range entries {
			if ok, _ := regexp.MatchString(`^`+regexp.QuoteMeta(f.Name)+`(\.[0-9]+)?$`, e.Name()); ok {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					diffs = append(diffs, err.Error())
				}
				candidates = append(candidates, b)
			}
		}
		if len(candidates) == 0 {
			diffs = append(diffs, fmt.Sprintf("%s: not in the sample's folder", f.Name))
			continue
		}
		files++
		size += len(f.Data)
		how := ""
		for _, want := range candidates {
			if how = sameFile(want, f.Data); how != "" {
				break
			}
		}
		if how != "" && how != "byte for byte" {
			notes = append(notes, fmt.Sprintf("%s: %s", f.Name, how))
		}
		if how == "" {
			sum := sha256.Sum256(f.Data)
			diffs = append(diffs, fmt.Sprintf("%s: %d bytes, sha256 %x, match no file of that name in the folder", f.Name, len(f.Data), sum[:8]))
		}
	}
	if want, err := os.ReadFile(filepath.Join(dir, "message.html")); err == nil {
		if sameText(string8(want), got.HTML) {
			files, size = files+1, size+len(got.HTML)
		} else {
			diffs = append(diffs, fmt.Sprintf("HTML of %d bytes differs from message.html", len(got.HTML)))
		}
	}
	if want, err := os.ReadFile(filepath.Join(dir, "message.txt")); err == nil {
		if sameText(string(want), got.Body) {
			files, size = files+1, size+len(got.Body)
		} else {
			diffs = append(diffs, fmt.Sprintf("Body %q differs from message.txt %q", got.Body, want))
		}
	}
	if want, err := os.ReadFile(filepath.Join(dir, "message.rtf")); err == nil {
		if err := checkCompressedRTF(got.RTF, want); err != nil {
			diffs = append(diffs, err.Error())
		}
	}
	return diffs, notes, files, size
}

// sameFile says how a sample's extracted file matches data, "" when it does
// not. Two ways in which the samples were written differently are allowed:
// their text files are stored with LF line ends (CRLF in the stream), and
// their OLE objects keep the 16-byte IID_IStorage that ReadTNEF drops.
func sameFile(want, data []byte) string {
	switch {
	case bytes.Equal(want, data):
		return "byte for byte"
	case bytes.HasPrefix(want, iidStorage) && bytes.Equal(want[len(iidStorage):], data):
		return "after the sample's IID_IStorage prefix"
	case bytes.Contains(data, []byte("\r\n")) && bytes.Equal(want, bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))):
		return "with CRLF line ends where the sample has LF"
	}
	return ""
}

// sameText compares bodies up to line ends and trailing white space.
func sameText(want, got string) bool {
	norm := func(s string) string { return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), " \n\x00") }
	return norm(want) == norm(got)
}

// checkCompressedRTF checks RTF's header ([MS-OXRTFCP] 2.1.3.1) against the
// sample's decompressed message.rtf: the compressed size counts the bytes
// after itself, the magic is LZFu or MELA, the raw size is that of
// message.rtf (with CRLF line ends, when the sample stored LF), and
// DecompressRTF gives message.rtf.
func checkCompressedRTF(rtf, want []byte) error {
	if len(rtf) < 16 {
		return fmt.Errorf("RTF of %d bytes, want compressed RTF for message.rtf", len(rtf))
	}
	comp, raw, magic := binary.LittleEndian.Uint32(rtf), binary.LittleEndian.Uint32(rtf[4:]), string(rtf[8:12])
	if magic != "LZFu" && magic != "MELA" {
		return fmt.Errorf("RTF magic %q, want LZFu or MELA", magic)
	}
	if int(comp) != len(rtf)-4 {
		return fmt.Errorf("RTF compressed size %d, want %d", comp, len(rtf)-4)
	}
	if lf := bytes.Count(want, []byte("\n")) - bytes.Count(want, []byte("\r\n")); int(raw) != len(want) && int(raw) != len(want)+lf {
		return fmt.Errorf("RTF raw size %d, message.rtf has %d bytes (%d with CRLF)", raw, len(want), len(want)+lf)
	}
	got, err := DecompressRTF(rtf)
	if err != nil || !(bytes.Equal(got, want) || bytes.Equal(bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n")), want)) {
		return fmt.Errorf("RTF decompresses to %d bytes (%v), not to message.rtf", len(got), err)
	}
	return nil
}

// fuzzSeedMax caps a seed's size: fuzzing speed falls with input size, and a
// larger sample is seeded cut short, which is a truncated stream worth fuzzing
// too. Ten of the samples fit whole. The fuzzer minimises every input that
// finds new code, in time that grows with the square of its size; bound it
// with -fuzzminimizetime:
//
//	go test ./parser -run '^$' -fuzz FuzzReadTNEF -fuzztime 30s -fuzzminimizetime 10x
const fuzzSeedMax = 16 << 10

// FuzzReadTNEF checks ReadTNEF's contract on any input: no panic, a non-nil
// result, valid UTF-8, and never more bytes out than went in. It is seeded
// with the MimeKit samples (when present) and the table's streams.
func FuzzReadTNEF(f *testing.F) {
	samples, _ := filepath.Glob(filepath.Join(tnefCorpusDir, "*.tnef"))
	for _, path := range samples {
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw[:min(len(raw), fuzzSeedMax)])
	}
	for _, c := range tnefCases() {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, _ := ReadTNEF(in)
		if got == nil {
			t.Fatal("ReadTNEF returned nil")
		}
		checkTNEF(t, got, len(in))
	})
}
