package parser

import (
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
func TestCorpusNeverPanics(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared corpus not found at %s (a clone without ../shared): %v", corpusDir, err)
	}
	var n int
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isMail(path) {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		msg, perr := Parse(raw)
		t.Run(strings.TrimPrefix(path, corpusDir+"/"), func(t *testing.T) { checkMessage(t, msg, perr) })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 700 {
		t.Fatalf("read %d corpus mails, expected the shared corpus's 700 and more", n)
	}
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
