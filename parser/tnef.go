package parser

// A TNEF stream (Transport Neutral Encapsulation Format: winmail.dat,
// application/ms-tnef) is how Outlook and Exchange wrap a message's body and
// attachments for a recipient they believe runs Outlook too. The format is
// [MS-OXTNEF]; the section numbers in this file and tnef_mapi.go refer to it:
// 2.1.3 the stream and its attributes, 2.1.3.3 the attributes one by one,
// 2.1.3.4 the MAPI properties encapsulated in attMsgProps and attAttachment.
//
// The reader is deliberately small: it takes what a help desk needs (files,
// plain-text, HTML and compressed RTF body) and skips everything else. Every
// length in the stream comes from a stranger and is checked against what is
// left before it is used.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// TNEFFile is one attachment carried inside a TNEF stream.
type TNEFFile struct {
	// Name is the long file name (MAPI PR_ATTACH_LONG_FILENAME 0x3707) when
	// present, else the short one (PR_ATTACH_FILENAME 0x3704, which the
	// attAttachTitle attribute maps to), else "attachment-N" with N the file's
	// 1-based position in Files. It is valid UTF-8 and never empty. It is the
	// sender's name for the file, not a safe path.
	Name string
	// Data is the attachment's content: PR_ATTACH_DATA_BIN / _OBJ (0x3701)
	// when the attachment's properties carry it, else the attAttachData
	// attribute. For an embedded object (PtypObject) the 16-byte interface
	// identifier that precedes it in the stream is dropped and the object's
	// bytes are kept as they are: an embedded message (IID_IMessage) is itself
	// a TNEF stream, an OLE object (IID_IStorage) a compound file. Data is a
	// copy; it never shares memory with the input.
	Data []byte
	// ContentType is PR_ATTACH_MIME_TAG (0x370E) when present, else "".
	ContentType string
}

// TNEF is what a winmail.dat holds that a help desk needs.
type TNEF struct {
	// Files lists the attachments that carried data, in stream order. An
	// attachment without any data (attached by reference, or cut off by a
	// truncated stream) is left out.
	Files []TNEFFile
	// Body is the plain-text body when present (PR_BODY 0x1000, else the
	// attBody attribute), valid UTF-8, line ends as sent.
	Body string
	// HTML is the HTML body (PR_HTML / PR_BODY_HTML 0x1013) when present,
	// valid UTF-8. Its bytes are read as UTF-8 when they are valid UTF-8, else
	// as Windows-1252; a charset named inside the HTML is not consulted.
	HTML string
	// RTF is the compressed RTF body (PR_RTF_COMPRESSED 0x1009) when present,
	// exactly as carried: still compressed ([MS-OXRTFCP]), not decoded.
	RTF []byte
}

const (
	tnefSignature   = 0x223E9F78 // [MS-OXTNEF] 2.1.3: TNEFSignature
	tnefHeaderLen   = 6          // signature (4 bytes) and legacy key (2 bytes)
	attrHeaderLen   = 9          // level (1), attribute tag (4), length (4)
	attrChecksumLen = 2          // sum of the data bytes modulo 65536
	maxTNEFProblems = 8          // problems reported in full; the rest are counted
)

// Attribute levels ([MS-OXTNEF] 2.1.3: attrLevelMessage, attrLevelAttachment).
const (
	levelMessage    = 0x01
	levelAttachment = 0x02
)

// Attribute IDs: the low 16 bits of an attribute tag ([MS-OXTNEF] 2.1.3.3).
// The high 16 bits name the data type; they are not needed to read the
// attributes below and are not trusted.
const (
	attBody           = 0x800C // message text, PtypString8 (maps to PR_BODY)
	attAttachData     = 0x800F // attachment bytes (maps to PR_ATTACH_DATA_BIN)
	attAttachTitle    = 0x8010 // attachment file name (maps to PR_ATTACH_FILENAME)
	attAttachRenddata = 0x9002 // 2.1.3.3.15: starts every attachment's attributes
	attMsgProps       = 0x9003 // 2.1.3.3.21: encapsulated message properties (attMAPIProps)
	attAttachment     = 0x9005 // 2.1.3.3.23: encapsulated attachment properties
)

// ReadTNEF reads a TNEF stream ([MS-OXTNEF]: signature 0x223E9F78, key, then
// attributes of level 1 (message) or 2 (attachment), each id, length, data,
// checksum). It returns what it could read and an error when the stream is
// malformed; it never panics.
//
// The result is never nil. Reading stops at the first attribute that cannot
// be framed (a length running past the end, a level that is neither 1 nor 2,
// stray bytes at the end); what came before it is returned. Problems inside
// one attribute (a wrong checksum, a property list that cannot be read to its
// end) are reported too, but reading goes on with the next attribute. The
// error names the first problem and counts the others; it is one line.
func ReadTNEF(data []byte) (*TNEF, error) {
	r := &tnefReader{out: &TNEF{}}
	if len(data) < tnefHeaderLen {
		return r.out, fmt.Errorf("tnef: %d bytes, too short for a signature and key", len(data))
	}
	if sig := binary.LittleEndian.Uint32(data); sig != tnefSignature {
		return r.out, fmt.Errorf("tnef: signature %#08x, want %#08x", sig, tnefSignature)
	}
	r.fatal = r.attributes(data, tnefHeaderLen)
	r.finishAttachment()
	r.out.Body = r.propBody
	if r.out.Body == "" {
		r.out.Body = r.attBody
	}
	return r.out, r.err()
}

// tnefReader holds the state of one ReadTNEF call.
type tnefReader struct {
	out      *TNEF
	cur      *tnefAttachment // the attachment whose attributes are being read
	attBody  string          // the attBody attribute
	propBody string          // PR_BODY, which wins over attBody (2.1.3)
	fatal    error           // why reading stopped early, if it did
	problems []error         // the first maxTNEFProblems problems
	more     int             // problems beyond those
}

// tnefAttachment gathers one attachment's attributes and properties until the
// next attAttachRenddata or the end of the stream.
type tnefAttachment struct {
	title, longName, shortName, mimeTag string
	attData                             []byte // attAttachData
	propData                            []byte // PR_ATTACH_DATA_BIN / _OBJ
	hasAttData, hasPropData             bool
}

// attributes reads the attribute sequence from data[off:] ([MS-OXTNEF]
// 2.1.3): level (1 byte), tag (4), length (4), data, checksum (2), all
// little-endian. It returns the error that stopped it, or nil at the end.
func (r *tnefReader) attributes(data []byte, off int) error {
	for off < len(data) {
		left := len(data) - off
		if left < attrHeaderLen+attrChecksumLen {
			return fmt.Errorf("tnef: %d stray bytes at offset %d", left, off)
		}
		level := data[off]
		tag := binary.LittleEndian.Uint32(data[off+1:])
		n := binary.LittleEndian.Uint32(data[off+5:])
		if level != levelMessage && level != levelAttachment {
			return fmt.Errorf("tnef: attribute at offset %d: level %d is neither message (1) nor attachment (2)", off, level)
		}
		start := off + attrHeaderLen
		room := len(data) - start - attrChecksumLen
		if uint64(n) > uint64(room) {
			return fmt.Errorf("tnef: attribute %#08x at offset %d: %d bytes of data, only %d left: stream truncated", tag, off, n, room)
		}
		end := start + int(n)
		val := data[start:end]
		if got, want := tnefChecksum(val), binary.LittleEndian.Uint16(data[end:]); got != want {
			r.problem(fmt.Errorf("tnef: attribute %#08x at offset %d: checksum %#04x, want %#04x", tag, off, got, want))
		}
		r.attribute(tag, val, off)
		off = end + attrChecksumLen
	}
	return nil
}

// tnefChecksum is an attribute's checksum: the sum of its data bytes modulo
// 65536 ([MS-OXTNEF] 2.1.3).
func tnefChecksum(b []byte) uint16 {
	var sum uint16
	for _, c := range b {
		sum += uint16(c)
	}
	return sum
}

// attribute takes one attribute's data. Attributes are told apart by ID
// alone: a writer that puts one at the wrong level still gets it read.
func (r *tnefReader) attribute(tag uint32, val []byte, off int) {
	switch uint16(tag) {
	case attAttachRenddata:
		r.finishAttachment()
		r.cur = &tnefAttachment{}
	case attAttachTitle:
		r.attachment().title = string8(val)
	case attAttachData:
		a := r.attachment()
		a.attData, a.hasAttData = val, true
	case attAttachment:
		if err := readProps(val, r.attachment().prop); err != nil {
			r.problem(fmt.Errorf("tnef: attAttachment at offset %d: %w", off, err))
		}
	case attBody:
		r.attBody = string8(val)
	case attMsgProps:
		if err := readProps(val, r.messageProp); err != nil {
			r.problem(fmt.Errorf("tnef: attMsgProps at offset %d: %w", off, err))
		}
	}
}

// attachment returns the attachment being read, starting one when an
// attachment attribute comes before any attAttachRenddata.
func (r *tnefReader) attachment() *tnefAttachment {
	if r.cur == nil {
		r.cur = &tnefAttachment{}
	}
	return r.cur
}

// finishAttachment adds the attachment being read to Files when it carried
// data. Encapsulated properties win over the attributes they map to
// ([MS-OXTNEF] 2.1.3): PR_ATTACH_DATA_* over attAttachData (for an embedded
// message attAttachData holds only a placeholder sentence), PR_ATTACH_FILENAME
// over attAttachTitle.
func (r *tnefReader) finishAttachment() {
	a := r.cur
	r.cur = nil
	if a == nil {
		return
	}
	data, ok := a.propData, a.hasPropData
	if !ok {
		data, ok = a.attData, a.hasAttData
	}
	if !ok {
		return
	}
	name := firstNonEmpty(a.longName, a.shortName, a.title)
	if name == "" {
		name = "attachment-" + strconv.Itoa(len(r.out.Files)+1)
	}
	r.out.Files = append(r.out.Files, TNEFFile{
		Name:        name,
		Data:        bytes.Clone(data),
		ContentType: a.mimeTag,
	})
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// problem records a problem that did not stop reading.
func (r *tnefReader) problem(err error) {
	if len(r.problems) < maxTNEFProblems {
		r.problems = append(r.problems, err)
		return
	}
	r.more++
}

// err is ReadTNEF's error: the one that stopped reading, else the first
// problem, wrapped, with the number of further problems.
func (r *tnefReader) err() error {
	all := r.problems
	if r.fatal != nil {
		all = append([]error{r.fatal}, all...)
	}
	if len(all) == 0 {
		return nil
	}
	if more := len(all) - 1 + r.more; more > 0 {
		return fmt.Errorf("%w (and %d more problems)", all[0], more)
	}
	return all[0]
}
