package parser

// The MAPI properties encapsulated in TNEF's attMsgProps and attAttachment
// attributes ([MS-OXTNEF] 2.1.3.4), and the strings they hold.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MAPI property IDs the reader takes ([MS-OXPROPS]); every other property is
// read past and dropped.
const (
	prBody           = 0x1000 // PidTagBody
	prRTFCompressed  = 0x1009 // PidTagRtfCompressed
	prHTML           = 0x1013 // PidTagHtml (PR_HTML, PR_BODY_HTML)
	prAttachData     = 0x3701 // PidTagAttachDataBinary / PidTagAttachDataObject
	prAttachFilename = 0x3704 // PidTagAttachFilename (8.3 name)
	prAttachLongName = 0x3707 // PidTagAttachLongFilename
	prAttachMimeTag  = 0x370E // PidTagAttachMimeTag
)

// MAPI property types ([MS-OXCDATA] 2.11.1) that take a count and a length in
// TNEF; the fixed-size ones are in fixedWidth.
const (
	ptNull    = 0x0001
	ptObject  = 0x000D
	ptString8 = 0x001E
	ptUnicode = 0x001F
	ptBinary  = 0x0102
	mvFlag    = 0x1000 // multi-valued
	mvMask    = 0x0FFF // the type without the multi-valued and instance flags

	firstNamedID = 0x8000 // IDs from here on are named properties
	guidLen      = 16
)

// fixedWidth gives the bytes a fixed-size value takes in TNEF: 16-bit values
// (PtypInteger16, PtypBoolean) are padded to 4 ([MS-OXTNEF] 2.1.3.4).
var fixedWidth = map[uint16]int{
	ptNull: 0,
	0x0002: 4,  // PtypInteger16
	0x0003: 4,  // PtypInteger32
	0x0004: 4,  // PtypFloating32
	0x0005: 8,  // PtypFloating64
	0x0006: 8,  // PtypCurrency
	0x0007: 8,  // PtypFloatingTime
	0x000A: 4,  // PtypErrorCode
	0x000B: 4,  // PtypBoolean
	0x0014: 8,  // PtypInteger64
	0x0040: 8,  // PtypTime
	0x0048: 16, // PtypGuid
}

// mapiValue is one value of an encapsulated property.
type mapiValue struct {
	id    uint16 // property ID; named properties (>= 0x8000) are never passed on
	typ   uint16 // property type without the multi-valued flag
	multi bool   // one of the values of a multi-valued property
	// data is a variable-size value without its length and padding (a
	// PtypObject value still starts with its interface identifier), or a
	// fixed-size value at its width in the stream.
	data []byte
}

// readProps reads a property list ([MS-OXTNEF] 2.1.3.4: MsgPropertyList):
// a count, then each property's tag, the name of a named property, and its
// values. fn gets every value of every property that is not named. The
// values before an error have been passed on when it is returned.
func readProps(b []byte, fn func(mapiValue)) error {
	p := propReader{b: b}
	count, err := p.u32("property count")
	if err != nil {
		return err
	}
	// Every property takes at least its 4-byte tag, so a count beyond that
	// fails below on running out of data, after at most len(b)/4 rounds.
	for i := uint64(0); i < uint64(count); i++ {
		if err := p.property(fn); err != nil {
			return fmt.Errorf("property %d of %d: %w", i+1, count, err)
		}
	}
	return nil
}

// propReader walks a property list, checking every length against what is
// left.
type propReader struct {
	b   []byte
	off int
}

var errPropsShort = errors.New("property list ends early")

func (p *propReader) left() int { return len(p.b) - p.off }

func (p *propReader) u32(what string) (uint32, error) {
	if p.left() < 4 {
		return 0, fmt.Errorf("%s: %w", what, errPropsShort)
	}
	v := binary.LittleEndian.Uint32(p.b[p.off:])
	p.off += 4
	return v, nil
}

// bytes takes n bytes and the padding that brings them to a multiple of 4. A
// writer that leaves out the padding of the last value is forgiven.
func (p *propReader) bytes(n uint32, what string) ([]byte, error) {
	if uint64(n) > uint64(p.left()) {
		return nil, fmt.Errorf("%s of %d bytes, %d left: %w", what, n, p.left(), errPropsShort)
	}
	v := p.b[p.off : p.off+int(n)]
	p.off += int(n)
	pad := int(-n & 3)
	p.off += min(pad, p.left())
	return v, nil
}

// property reads one property: tag, name when named, values.
func (p *propReader) property(fn func(mapiValue)) error {
	tag, err := p.u32("tag")
	if err != nil {
		return err
	}
	id, raw := uint16(tag>>16), uint16(tag)
	if id >= firstNamedID {
		if err := p.skipName(); err != nil {
			return fmt.Errorf("named property %#04x: %w", id, err)
		}
	}
	typ, multi := raw&mvMask, raw&mvFlag != 0
	width, fixed := fixedWidth[typ]
	variable := typ == ptString8 || typ == ptUnicode || typ == ptBinary || typ == ptObject
	if !fixed && !variable {
		return fmt.Errorf("property %#04x: type %#04x unknown, the list cannot be read past it", id, raw)
	}
	count := uint32(1)
	if multi || variable {
		// Variable-size values are counted even when single ([MS-OXTNEF]
		// 2.1.3.4); the count must fit what is left.
		if count, err = p.u32("value count"); err != nil {
			return fmt.Errorf("property %#04x: %w", id, err)
		}
	}
	v := mapiValue{id: id, typ: typ, multi: multi}
	if fixed {
		total := uint64(count) * uint64(width)
		if total > uint64(p.left()) {
			return fmt.Errorf("property %#04x: %d values of %d bytes, %d left: %w", id, count, width, p.left(), errPropsShort)
		}
		for i := 0; width > 0 && i < int(count); i++ {
			v.data = p.b[p.off : p.off+width]
			p.off += width
			if id < firstNamedID {
				fn(v)
			}
		}
		return nil
	}
	if uint64(count)*4 > uint64(p.left()) { // each value takes at least its length
		return fmt.Errorf("property %#04x: %d values, %d bytes left: %w", id, count, p.left(), errPropsShort)
	}
	for i := uint32(0); i < count; i++ {
		n, err := p.u32("value length")
		if err != nil {
			return fmt.Errorf("property %#04x: %w", id, err)
		}
		if v.data, err = p.bytes(n, "value"); err != nil {
			return fmt.Errorf("property %#04x: %w", id, err)
		}
		if id < firstNamedID {
			fn(v)
		}
	}
	return nil
}

// skipName reads past a named property's name ([MS-OXTNEF] 2.1.3.4:
// NamedPropSpec): a GUID, then a kind of 0 and a 32-bit number, or a kind of
// 1 and a counted, padded UTF-16LE string.
func (p *propReader) skipName() error {
	if p.left() < guidLen {
		return fmt.Errorf("GUID: %w", errPropsShort)
	}
	p.off += guidLen
	kind, err := p.u32("name kind")
	if err != nil {
		return err
	}
	switch kind {
	case 0: // IDTypeNumber
		_, err = p.u32("name number")
	case 1: // IDTypeString
		var n uint32
		if n, err = p.u32("name length"); err == nil {
			_, err = p.bytes(n, "name")
		}
	default:
		err = fmt.Errorf("name kind %d is neither 0 (number) nor 1 (string)", kind)
	}
	return err
}

// prop takes an attachment property.
func (a *tnefAttachment) prop(v mapiValue) {
	if v.multi {
		return
	}
	switch v.id {
	case prAttachLongName:
		a.longName = propString(v)
	case prAttachFilename:
		a.shortName = propString(v)
	case prAttachMimeTag:
		a.mimeTag = strings.TrimSpace(propString(v))
	case prAttachData:
		switch v.typ {
		case ptBinary:
			a.propData, a.hasPropData = v.data, true
		case ptObject: // the value starts with the object's interface identifier
			if len(v.data) >= guidLen {
				a.propData, a.hasPropData = v.data[guidLen:], true
			}
		}
	}
}

// messageProp takes a message property from attMsgProps.
func (r *tnefReader) messageProp(v mapiValue) {
	if v.multi {
		return
	}
	switch v.id {
	case prBody:
		r.propBody = propString(v)
	case prHTML:
		r.out.HTML = propString(v)
	case prRTFCompressed:
		if v.typ == ptBinary {
			r.out.RTF = bytes.Clone(v.data)
		}
	}
}

// propString decodes a string property; PtypBinary (as PR_HTML often is) is
// read like PtypString8. Any other type gives "".
func propString(v mapiValue) string {
	switch v.typ {
	case ptString8, ptBinary:
		return string8(v.data)
	case ptUnicode:
		return unicodeString(v.data)
	}
	return ""
}

// string8 decodes an 8-bit string (PtypString8 or an attribute of type
// atpString/atpText) up to its first NUL: as UTF-8 when it is valid UTF-8,
// else as Windows-1252, the code page most TNEF writers use. The code page in
// attOemCodepage is not consulted.
func string8(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	s.Grow(len(b) + len(b)/2)
	for _, c := range b {
		if c >= 0x80 && c < 0xA0 {
			s.WriteRune(cp1252[c-0x80])
		} else {
			s.WriteRune(rune(c)) // the rest of Windows-1252 is ISO-8859-1
		}
	}
	return s.String()
}

// cp1252 maps Windows-1252 bytes 0x80-0x9F; the five undefined ones become
// U+FFFD.
var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

// unicodeString decodes a PtypString value (UTF-16LE) up to its first NUL;
// an odd last byte is dropped and unpaired surrogates become U+FFFD.
func unicodeString(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}
