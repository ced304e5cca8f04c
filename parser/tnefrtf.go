package parser

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// rtfPrebuffer is the dictionary's initial content for compressed RTF
// ([MS-OXRTFCP] section 2.1.2.1), 207 bytes.
const rtfPrebuffer = `{\rtf1\ansi\mac\deff0\deftab720{\fonttbl;}{\f0\fnil \froman \fswiss \fmodern \fscript \fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\colortbl\red0\green0\blue0` +
	"\r\n" + `\par \pard\plain\f0\fs20\b\i\u\tab\tx`

// maxRTFSize bounds the decompressed size a header may announce, and so
// what one DecompressRTF call may produce: 16 MiB, far above the RTF body of
// any real mail (the parser does not know the desk's message size limit).
const maxRTFSize = 16 << 20

// lzfuMaxOut is the most LZFu data of n bytes (after the header) can expand
// to: a dictionary reference takes 2 bytes and gives at most 17 ([MS-OXRTFCP]
// section 2.2.1.2: a 4-bit length plus 2), a literal takes 1 byte and gives
// 1, and control bytes give nothing, so the output is below 17*n/2. Output
// is thus linear in the input whatever the header declares.
func lzfuMaxOut(n int) int { return 17*(n/2) + n%2 }

// DecompressRTF decodes PR_RTF_COMPRESSED ([MS-OXRTFCP]): a 16-byte header
// (compressed size, raw size, "LZFu" or "MELA", CRC), then for LZFu runs of a
// control byte whose bits, least significant first, mark a literal byte (0)
// or a big-endian 12-bit dictionary offset and 4-bit length less 2 (1) in a
// 4096-byte ring dictionary that starts with rtfPrebuffer; a reference to the
// write position ends the data (section 2.2.3). MELA data is stored as is.
// The CRC is not checked: a wrong one still leaves the text readable.
//
// The raw size of the header is trusted only as an upper bound: at most
// maxRTFSize (16 MiB) is accepted, memory is reserved for no more than the
// data could expand to (lzfuMaxOut), and output that would go beyond the
// raw size is an error, returned with the first raw-size bytes. On every
// error the output read so far is returned with it.
func DecompressRTF(b []byte) ([]byte, error) {
	if len(b) < 16 {
		return nil, errors.New("compressed RTF: header cut short")
	}
	raw := binary.LittleEndian.Uint32(b[4:])
	if raw > maxRTFSize {
		return nil, fmt.Errorf("compressed RTF: raw size %d too large", raw)
	}
	data := b[16:]
	switch string(b[8:12]) {
	case "MELA":
		if int(raw) > len(data) {
			return nil, errors.New("compressed RTF: uncompressed data cut short")
		}
		return data[:raw], nil
	case "LZFu":
	default:
		return nil, fmt.Errorf("compressed RTF: unknown type %q", b[8:12])
	}
	var dict [4096]byte
	w := copy(dict[:], rtfPrebuffer)
	limit := int(raw)
	out := make([]byte, 0, min(limit, lzfuMaxOut(len(data))))
	for i := 0; i < len(data); {
		control := data[i]
		i++
		for bit := 0; bit < 8; bit++ {
			if i >= len(data) {
				return out, errors.New("compressed RTF: data ends without its end marker")
			}
			if control&(1<<bit) == 0 {
				if len(out) == limit {
					return out, rtfTooLong(raw)
				}
				dict[w] = data[i]
				out = append(out, data[i])
				w, i = (w+1)%len(dict), i+1
				continue
			}
			if i+1 >= len(data) {
				return out, errors.New("compressed RTF: reference cut short")
			}
			ref := int(data[i])<<8 | int(data[i+1])
			i += 2
			off, n := ref>>4, ref&0xF+2
			if off == w {
				return out, nil
			}
			for k := 0; k < n; k++ {
				if len(out) == limit {
					return out, rtfTooLong(raw)
				}
				c := dict[(off+k)%len(dict)]
				dict[w] = c
				out = append(out, c)
				w = (w + 1) % len(dict)
			}
		}
	}
	return out, errors.New("compressed RTF: data ends without its end marker")
}

func rtfTooLong(raw uint32) error {
	return fmt.Errorf("compressed RTF: output longer than its raw size %d", raw)
}

// rtfSkipped are RTF destinations that hold no text a reader sees.
var rtfSkipped = map[string]bool{
	"fonttbl": true, "colortbl": true, "stylesheet": true, "info": true, "pict": true, "object": true,
	"header": true, "headerl": true, "headerr": true, "headerf": true, "footer": true, "footerl": true,
	"footerr": true, "footerf": true, "listtable": true, "listoverridetable": true, "rsidtbl": true,
	"generator": true, "xmlnstbl": true, "themedata": true, "colorschememapping": true, "datastore": true,
	"latentstyles": true, "filetbl": true, "revtbl": true, "fldinst": true, "pntext": true, "pntxta": true, "pntxtb": true,
}

// rtfText derives plain text from an RTF document (RTF 1.9.1): text and
// \'hh bytes (in the \ansicpg code page, Windows-1252 when it is not one we
// know) and \uN characters (UTF-16 code units: a surrogate pair written as
// two \uN is one character, a lone half is U+FFFD), \par and \line as line
// ends, \tab as a tab; font tables, pictures, other skipped destinations and
// every \* group (the HTML tags of Outlook's encapsulated HTML among them)
// give nothing, and the N bytes of binary data after \binN are skipped
// unread (they may hold braces and backslashes).
func rtfText(rtf []byte) string {
	type state struct {
		skip bool
		uc   int
	}
	st := []state{{uc: 1}}
	var out strings.Builder
	var pending []byte // \'hh bytes not yet decoded
	dec := charmap.Windows1252.NewDecoder()
	flush := func() {
		if len(pending) > 0 {
			s, _ := dec.Bytes(pending)
			out.Write(s)
			pending = pending[:0]
		}
	}
	var high rune // a \uN high surrogate waiting for its low half
	loneHigh := func() {
		if high != 0 {
			high = 0
			out.WriteRune(utf8.RuneError)
		}
	}
	emit := func(s string) {
		if !st[len(st)-1].skip {
			flush()
			loneHigh()
			out.WriteString(s)
		}
	}
	// unit emits the UTF-16 code unit of \uN, pairing surrogate halves.
	unit := func(r rune) {
		if st[len(st)-1].skip {
			return
		}
		flush()
		switch {
		case r >= 0xD800 && r < 0xDC00:
			loneHigh()
			high = r
		case r >= 0xDC00 && r < 0xE000 && high != 0:
			out.WriteRune(utf16.DecodeRune(high, r))
			high = 0
		default:
			loneHigh()
			out.WriteRune(r) // a lone low half or an invalid value is U+FFFD
		}
	}
	skipChars := 0 // characters after \uN that stand in for it
	for i := 0; i < len(rtf); {
		c := rtf[i]
		switch {
		case c == '{':
			st = append(st, st[len(st)-1])
			i++
		case c == '}':
			if len(st) > 1 {
				st = st[:len(st)-1]
			}
			i++
		case c == '\r' || c == '\n' || c == 0:
			i++
		case c == '\\' && i+1 < len(rtf):
			n := rtf[i+1]
			switch {
			case n == '\'' && i+3 < len(rtf):
				v, err := strconv.ParseUint(string(rtf[i+2:i+4]), 16, 8)
				i += 4
				if skipChars > 0 {
					skipChars--
					continue
				}
				if err == nil && !st[len(st)-1].skip {
					loneHigh()
					pending = append(pending, byte(v))
				}
			case n == '*':
				st[len(st)-1].skip = true
				i += 2
			case isLetter(n):
				j := i + 1
				for j < len(rtf) && isLetter(rtf[j]) {
					j++
				}
				word := string(rtf[i+1 : j])
				k := j
				if k < len(rtf) && (rtf[k] == '-' || (rtf[k] >= '0' && rtf[k] <= '9')) {
					k++
					for k < len(rtf) && rtf[k] >= '0' && rtf[k] <= '9' {
						k++
					}
				}
				param, hasParam := 0, k > j
				if hasParam {
					param, _ = strconv.Atoi(string(rtf[j:k]))
				}
				if k < len(rtf) && rtf[k] == ' ' {
					k++ // the delimiting space belongs to the control word
				}
				i = k
				switch {
				case rtfSkipped[word]:
					st[len(st)-1].skip = true
				case word == "ansicpg" && hasParam:
					if cm := codePage(param); cm != nil {
						dec = cm.NewDecoder()
					}
				case word == "uc" && hasParam:
					st[len(st)-1].uc = param
				case word == "u" && hasParam:
					if param < 0 {
						param += 65536
					}
					if param < 0 || param > 0xFFFF {
						param = utf8.RuneError // not a 16-bit code unit
					}
					unit(rune(param))
					skipChars = st[len(st)-1].uc
				case word == "bin" && hasParam && param > 0:
					// RTF 1.9.1 "\binN": N bytes of binary data follow
					// the delimiting space.
					i += min(param, len(rtf)-i)
				case word == "par" || word == "line" || word == "row":
					emit("\n")
				case word == "tab" || word == "cell":
					emit("\t")
				case word == "emdash":
					emit("—")
				case word == "endash":
					emit("–")
				case word == "bullet":
					emit("•")
				case word == "lquote", word == "rquote":
					emit("'")
				case word == "ldblquote", word == "rdblquote":
					emit("\"")
				}
				continue
			default: // a control symbol: \\ \{ \} \~ \- \_ and others
				i += 2
				switch n {
				case '\\', '{', '}':
					emit(string(n))
				case '~':
					emit("\u00a0")
				case '_':
					emit("-")
				}
			}
		default:
			i++
			if skipChars > 0 {
				skipChars--
				continue
			}
			if !st[len(st)-1].skip {
				flush()
				loneHigh()
				out.WriteByte(c)
			}
		}
	}
	flush()
	loneHigh()
	return valid(out.String())
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// codePage is the Windows code page \ansicpg names, nil when unknown.
func codePage(n int) *charmap.Charmap {
	switch n {
	case 1250:
		return charmap.Windows1250
	case 1251:
		return charmap.Windows1251
	case 1252:
		return charmap.Windows1252
	case 1253:
		return charmap.Windows1253
	case 1254:
		return charmap.Windows1254
	case 1255:
		return charmap.Windows1255
	case 1256:
		return charmap.Windows1256
	case 1257:
		return charmap.Windows1257
	case 1258:
		return charmap.Windows1258
	case 874:
		return charmap.Windows874
	}
	return nil
}
