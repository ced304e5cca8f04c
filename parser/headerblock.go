package parser

import (
	"math/bits"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file recognises where a quoted or forwarded mail starts when no
// attribution line announces it: Outlook's "-----Original Message-----" and
// its From:/Sent:/To:/Subject: block in the languages of the desk's
// customers, rule lines above such a block, and forward markers.

// An Outlook-style separator that always starts a quoted mail, whatever
// follows: "-----Original Message-----" in the languages of the desk's
// customers.
var originalMessage = regexp.MustCompile(`(?i)^\s*[-_*=]{2,}\s*(?:original message|ursprüngliche nachricht|messaggio originale|oorspronkelijk bericht|message d['’]origine|mensaje original|mensagem original|oprindelig besked|opprinnelig melding|ursprungligt meddelande|alkuperäinen viesti|wiadomość oryginalna|исходное сообщение)\s*[-_*=]*\s*$`)

// Forward markers: Gmail and Thunderbird write dashes around them, Apple
// Mail ends them with a colon.
var (
	forwardDashed = regexp.MustCompile(`(?i)^\s*[-_*=]{2,}\s*(?:forwarded message|weitergeleitete nachricht|messaggio inoltrato|doorgestuurd bericht|message transféré|mensaje reenviado|mensagem encaminhada|videresendt meddelelse|vidarebefordrat meddelande)\s*:?\s*[-_*=]*\s*$`)
	forwardBegin  = regexp.MustCompile(`(?i)^\s*(?:begin forwarded message|anfang der weitergeleiteten nachricht|inizio messaggio inoltrato|begin doorgestuurd bericht|doorgestuurd bericht|début du message réexpédié|comienzo del mensaje reenviado|início da mensagem reencaminhada)\s*:\s*$`)
)

// isForwardMarker reports a line that announces a forwarded mail.
func isForwardMarker(s string) bool {
	return len(s) < 200 && (forwardDashed.MatchString(s) || forwardBegin.MatchString(s))
}

// isOriginalMessage reports an "-----Original Message-----" line.
func isOriginalMessage(s string) bool { return len(s) < 200 && originalMessage.MatchString(s) }

// isSeparator reports a rule line (see separatorLine).
func isSeparator(s string) bool { return len(s) < 400 && separatorLine.MatchString(s) }

// separatorLine matches a rule of dashes, underscores, equals signs or stars,
// which clients put above a header block (Outlook web and mobile write 32
// underscores).
var separatorLine = regexp.MustCompile(`^\s*(?:-{4,}|_{4,}|={4,}|\*{4,})\s*$`)

// Header fields of a quoted or forwarded mail (RFC 5322 section 3.6 names and
// the words Outlook, Gmail, Apple Mail and Thunderbird print in their place).
const (
	fieldFrom = iota + 1
	fieldDate
	fieldTo
	fieldCc
	fieldSubject
)

var fieldNames = map[string]int{
	"from": fieldFrom, "von": fieldFrom, "da": fieldFrom, "van": fieldFrom, "de": fieldFrom,
	"fra": fieldFrom, "från": fieldFrom, "od": fieldFrom, "от": fieldFrom, "lähettäjä": fieldFrom,

	"sent": fieldDate, "date": fieldDate, "datum": fieldDate, "gesendet": fieldDate, "inviato": fieldDate,
	"data": fieldDate, "verzonden": fieldDate, "envoyé": fieldDate, "envoyé le": fieldDate,
	"enviado": fieldDate, "enviado el": fieldDate, "fecha": fieldDate, "dato": fieldDate, "sendt": fieldDate,
	"skickat": fieldDate, "lähetetty": fieldDate, "wysłano": fieldDate, "отправлено": fieldDate,
	"дата": fieldDate, "message du": fieldDate,

	"to": fieldTo, "an": fieldTo, "a": fieldTo, "aan": fieldTo, "à": fieldTo, "para": fieldTo,
	"til": fieldTo, "till": fieldTo, "do": fieldTo, "кому": fieldTo, "vastaanottaja": fieldTo,

	"cc": fieldCc, "kopie": fieldCc, "copie à": fieldCc, "copia": fieldCc, "kopie an": fieldCc,

	"subject": fieldSubject, "betreff": fieldSubject, "oggetto": fieldSubject, "onderwerp": fieldSubject,
	"objet": fieldSubject, "sujet": fieldSubject, "asunto": fieldSubject, "emne": fieldSubject,
	"ämne": fieldSubject, "aihe": fieldSubject, "temat": fieldSubject, "тема": fieldSubject,
	"assunto": fieldSubject,
}

// fieldOf reads a "Key: value" line, also "Key : value" (French spacing) and
// the "*Key:* value" that bold text becomes in plain text. It returns the
// field the key names (0 for an unknown key), the value, and whether the line
// has that form at all: a key of 1 to 25 letters, spaces, dots, hyphens or
// apostrophes, starting with a letter.
func fieldOf(s string) (field int, value string, isKey bool) {
	t := strings.TrimLeft(s, " \t")
	t = strings.TrimPrefix(strings.TrimPrefix(t, "*"), "*")
	colon := strings.IndexByte(t, ':')
	if colon <= 0 || colon > 64 {
		return 0, "", false
	}
	key := strings.TrimRight(plainSpaces(t[:colon]), " \t*")
	n := 0
	for _, r := range key {
		if n == 0 && !unicode.IsLetter(r) ||
			!unicode.IsLetter(r) && !strings.ContainsRune(" '’.-", r) {
			return 0, "", false
		}
		n++
	}
	if n == 0 || n > 25 {
		return 0, "", false
	}
	name := strings.ToLower(strings.Join(strings.Fields(key), " "))
	return fieldNames[name], strings.TrimSpace(strings.Trim(t[colon+1:], "* \t")), true
}

// headerBlock is a From:/Sent:/To:/Subject: block read by headerBlockAt.
type headerBlock struct {
	end                 int // the line after the block
	from, date, subject string
}

// headerBlockAt reads the header block of a quoted or forwarded mail starting
// at lines[i]: consecutive "Key: value" lines, in any order and any of the
// languages in fieldNames, with wrapped values allowed. It is one only when it
// names at least three fields, among them From, and either From holds an
// address or the block also has a date and a subject; "From: Hamburg" above
// "To: Milan" in a customer's own text is not.
func headerBlockAt(lines []string, i, end int) (headerBlock, bool) {
	var hb headerBlock
	var seen uint8 // bit 1<<field for each field named
	last := 0      // field of the previous key line
	wrapped := 0
	j := i
scan:
	for ; j < end && j < i+16; j++ {
		l := lines[j]
		if isBlank(l) || isQuoted(l) {
			break
		}
		field, value, isKey := fieldOf(l)
		switch {
		case field != 0:
			seen |= 1 << field
			hb.set(field, value)
			last, wrapped = field, 0
		case isKey && j > i && (j+1 >= end || isBlank(lines[j+1]) || fieldOrKey(lines[j+1])):
			last, wrapped = 0, 0 // Reply-To:, Importance:, Attachments: ...
		case j > i && wrapped < 2 && continues(lines, j, end):
			hb.add(last, strings.TrimSpace(l))
			wrapped++
		default:
			if j == i {
				return hb, false
			}
			break scan
		}
	}
	hb.end = j
	has := func(f int) bool { return seen&(1<<f) != 0 }
	if bits.OnesCount8(seen) < 3 || !has(fieldFrom) {
		return hb, false
	}
	return hb, strings.Contains(hb.from, "@") || has(fieldDate) && has(fieldSubject)
}

// fieldOrKey reports a "Key: value" line, known field or not.
func fieldOrKey(s string) bool {
	_, _, isKey := fieldOf(s)
	return isKey
}

// continues reports whether lines[j], not a key line, wraps the value above
// it: it is indented or starts with a bracket, or a key line follows it.
func continues(lines []string, j, end int) bool {
	l := lines[j]
	if r, _ := utf8.DecodeRuneInString(l); r == ' ' || r == '\t' {
		return true
	}
	if t := strings.TrimSpace(l); t != "" && strings.ContainsRune("<([", rune(t[0])) {
		return true
	}
	if j+1 < end {
		if f, _, _ := fieldOf(lines[j+1]); f != 0 {
			return true
		}
	}
	return false
}

func (hb *headerBlock) set(field int, v string) {
	switch {
	case field == fieldFrom && hb.from == "":
		hb.from = v
	case field == fieldDate && hb.date == "":
		hb.date = v
	case field == fieldSubject && hb.subject == "":
		hb.subject = v
	}
}

func (hb *headerBlock) add(field int, v string) {
	switch field {
	case fieldFrom:
		hb.from = strings.TrimSpace(hb.from + " " + v)
	case fieldDate:
		hb.date = strings.TrimSpace(hb.date + " " + v)
	case fieldSubject:
		hb.subject = strings.TrimSpace(hb.subject + " " + v)
	}
}

// mailStartAt reports whether a quoted or forwarded mail starts at lines[i]
// with a marker or a header block (not an attribution line), and where its
// header ends: a forward marker, "-----Original Message-----", a separator
// line with a header block below it (blank lines between allowed), or a
// header block. hb is the zero headerBlock when none was read.
func mailStartAt(lines []string, i, end int) (after int, hb headerBlock, ok bool) {
	l := lines[i]
	if isQuoted(l) || isBlank(l) {
		return 0, hb, false
	}
	marker := isForwardMarker(l) || isOriginalMessage(l)
	if marker || isSeparator(l) {
		k := i + 1
		for k < end && k <= i+3 && isBlank(lines[k]) {
			k++
		}
		if k < end {
			if b, found := headerBlockAt(lines, k, end); found {
				return b.end, b, true
			}
		}
		if marker {
			return i + 1, hb, true
		}
		return 0, hb, false
	}
	if b, found := headerBlockAt(lines, i, end); found {
		return b.end, b, true
	}
	return 0, hb, false
}
