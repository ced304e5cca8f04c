package parser

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the real-world mail shared beside the repository; it is read
// in place and never copied in (../shared/corpus/README.md).
const corpusDir = "../../shared/corpus"

// Every mail of the shared corpus (RFC examples, odd and malformed mailers,
// MimeKit's messages, bounces from hundreds of MTAs) parses without a panic
// into valid UTF-8. What each should say is checked by the corpus tests of
// the parsing issue; this proves the boundary holds on mail nobody here wrote.
// It prints a summary line for MimeKit's messages, which no other corpus test
// measures, and one for the whole corpus; the panics are counted, not assumed.
func TestCorpusNeverPanics(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared corpus not found at %s (a clone without ../shared): %v", corpusDir, err)
	}
	var all, mk corpusTally
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isMail(path) {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		msg, perr := Parse(raw)
		all.add(msg, perr)
		if strings.Contains(path, "/mimekit/messages/") {
			mk.add(msg, perr)
		}
		t.Run(strings.TrimPrefix(path, corpusDir+"/"), func(t *testing.T) { checkMessage(t, msg, perr) })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("corpus mimekit/messages: %s\n", mk)
	fmt.Printf("corpus shared (every mail): %s\n", all)
	if all.mails < 700 || mk.mails < 30 {
		t.Fatalf("read %d corpus mails (%d of MimeKit's messages), expected the shared corpus's 700 and more", all.mails, mk.mails)
	}
	if all.panics > 0 {
		t.Errorf("%d panics recovered", all.panics)
	}
}

// corpusTally counts what Parse made of a set of mails.
type corpusTally struct {
	mails, panics, unreadable, withBody, files, withProblems int
}

func (c *corpusTally) add(msg *Message, err error) {
	c.mails++
	c.panics += parserFailures(msg, err)
	if errors.Is(err, ErrUnreadable) {
		c.unreadable++
	}
	if strings.TrimSpace(msg.Text) != "" || strings.TrimSpace(msg.HTML) != "" {
		c.withBody++
	}
	c.files += len(msg.Attachments)
	if len(msg.Problems) > 0 {
		c.withProblems++
	}
}

func (c corpusTally) String() string {
	return fmt.Sprintf("%d mails, %d panics, %d with unreadable MIME, %d with a text or HTML body, %d attachments, %d with problems recorded",
		c.mails, c.panics, c.unreadable, c.withBody, c.files, c.withProblems)
}

func isMail(path string) bool {
	switch {
	case strings.HasSuffix(path, ".eml"):
		return true
	case strings.Contains(path, "/mimekit/messages/"), strings.Contains(path, "/maildir/"):
		return !strings.HasSuffix(path, ".json")
	}
	return false
}
