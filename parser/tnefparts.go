package parser

import (
	"bytes"
	"mime"
	"path"
	"strings"
)

// tnefMagic is tnefSignature as it stands in the stream, little-endian
// ([MS-OXTNEF] section 2.1.3.1).
var tnefMagic = []byte{0x78, 0x9F, 0x3E, 0x22}

// maxTNEFDepth bounds how deep embedded messages inside a winmail.dat are
// unpacked; each level is itself a TNEF stream.
const maxTNEFDepth = 3

// isTNEF reports whether an attachment is a TNEF stream: by type, by the
// name Outlook gives it, or by its signature.
func isTNEF(a Attachment) bool {
	switch a.ContentType {
	case "application/ms-tnef", "application/vnd.ms-tnef":
		return true
	}
	return strings.EqualFold(a.Filename, "winmail.dat") || bytes.HasPrefix(a.Content, tnefMagic)
}

// unpackTNEF replaces each winmail.dat among msg's attachments by the files
// inside it, and takes its body when the mail has no text of its own: the
// plain-text body, else the HTML, else the text of the compressed RTF body
// (rtfBody). A stream that cannot be read whole keeps winmail.dat beside what
// was read, and one that gives nothing at all is kept as it is; Problems say
// so.
func unpackTNEF(msg *Message) {
	var out []Attachment
	for _, a := range msg.Attachments {
		if !isTNEF(a) {
			out = append(out, a)
			continue
		}
		out = append(out, tnefFiles(msg, a, 1)...)
	}
	msg.Attachments = out
}

func tnefFiles(msg *Message, a Attachment, depth int) []Attachment {
	t, err := ReadTNEF(a.Content)
	var out []Attachment
	if err != nil {
		msg.Problems = append(msg.Problems, a.Filename+" (TNEF) partly unreadable, kept as it is: "+valid(err.Error()))
		out = append(out, a)
	}
	if msg.Text == "" && t != nil && strings.TrimSpace(t.Body) != "" {
		msg.Text = body(t.Body, false)
	}
	if msg.Text == "" && msg.HTML == "" && t != nil && t.HTML != "" {
		msg.HTML = body(t.HTML, false)
	}
	if t == nil {
		return out
	}
	if msg.Text == "" && msg.HTML == "" && len(t.RTF) > 0 {
		out = append(out, rtfBody(msg, a.Filename, t.RTF)...)
	}
	if err == nil && len(t.Files) == 0 && strings.TrimSpace(t.Body) == "" && t.HTML == "" && len(t.RTF) == 0 {
		msg.Problems = append(msg.Problems, a.Filename+" (TNEF) holds no body and no file; kept as it is")
		out = append(out, a)
	}
	for _, f := range t.Files {
		inner := newAttachment(f.Name, tnefContentType(f), f.Data, false, "")
		if depth < maxTNEFDepth && bytes.HasPrefix(f.Data, tnefMagic) {
			out = append(out, tnefFiles(msg, inner, depth+1)...)
			continue
		}
		out = append(out, inner)
	}
	return out
}

// rtfBody takes a TNEF's compressed RTF body ([MS-OXRTFCP]) as the mail's
// text. When no text comes of it, the RTF itself is kept as the attachment
// body.rtf (still compressed when it could not be decompressed) and the
// problem recorded, so that the body is never silently lost.
func rtfBody(msg *Message, name string, compressed []byte) []Attachment {
	rtf, err := DecompressRTF(compressed)
	if err != nil {
		msg.Problems = append(msg.Problems, name+" (TNEF): RTF body partly unreadable: "+valid(err.Error()))
	}
	if text := strings.TrimSpace(rtfText(rtf)); text != "" {
		msg.Text = body(text, false)
		return nil
	}
	content, ctype := rtf, "application/rtf"
	if len(rtf) == 0 {
		content, ctype = compressed, "application/octet-stream"
	}
	msg.Problems = append(msg.Problems, name+" (TNEF): no text could be read from the RTF body; it is kept as body.rtf")
	return []Attachment{newAttachment("body.rtf", ctype, content, false, "")}
}

// tnefContentType is the MIME tag Outlook stored, else a guess from the name.
func tnefContentType(f TNEFFile) string {
	if f.ContentType != "" {
		return strings.ToLower(f.ContentType)
	}
	if t := mime.TypeByExtension(strings.ToLower(path.Ext(f.Name))); t != "" {
		mt, _, err := mime.ParseMediaType(t)
		if err == nil {
			return mt
		}
	}
	return "application/octet-stream"
}
