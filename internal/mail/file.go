package mail

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/allyprm/ally/internal/ally"
)

// FileSender "sends" by writing each message as an RFC 5322 .eml file into
// Dir and logging where, so that without an SMTP server a newcomer can
// still open the invite link (any mail client opens the file). The files
// hold live links with single-use tokens: they are readable by the owner only.
type FileSender struct {
	Dir    string       // e.g. <data dir>/mail; created when missing
	From   string       // the From header; "" means DefaultFrom
	Logger *slog.Logger // nil discards
	Now    func() time.Time
}

// Send writes m to a new file named by the time and the subject.
func (s FileSender) Send(ctx context.Context, m ally.Email) error {
	if s.Dir == "" {
		return errors.New("mail: file sender has no directory")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	from := s.From
	if from == "" {
		from = DefaultFrom
	}
	at := now()
	msg, err := newMsg(from, m, at)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("mail: create %s: %w", s.Dir, err)
	}
	// Written under a temporary name first and linked into place whole, so
	// nobody (a person, a test) ever opens a half-written .eml.
	f, err := os.CreateTemp(s.Dir, ".writing-*.tmp")
	if err != nil {
		return fmt.Errorf("mail: create message file in %s: %w", s.Dir, err)
	}
	defer os.Remove(f.Name())
	if _, err := msg.WriteTo(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("mail: write %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("mail: write %s: %w", f.Name(), err)
	}
	name, err := linkUnique(f.Name(), s.Dir, at.UTC().Format("20060102-150405.000")+"-"+slug(m.Subject))
	if err != nil {
		return err
	}
	if s.Logger != nil {
		s.Logger.InfoContext(ctx, "e-mail written to "+name,
			"to", strings.Join(m.To, ", "), "subject", m.Subject)
	}
	return nil
}

// linkUnique gives the written file the name base.eml in dir, or base-2.eml
// and so on when two messages with the same subject land in the same
// millisecond; a link never replaces an existing file, so every message a
// test or a person may look for is kept.
func linkUnique(tmp, dir, base string) (string, error) {
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name += "-" + strconv.Itoa(i)
		}
		path := filepath.Join(dir, name+".eml")
		err := os.Link(tmp, path)
		if err == nil {
			return path, nil
		}
		if !errors.Is(err, fs.ErrExist) || i >= 100 {
			return "", fmt.Errorf("mail: create message file in %s: %w", dir, err)
		}
	}
}

// slug turns a subject into a short, safe file name part: lower-case
// letters and digits joined by hyphens, at most 60 bytes.
func slug(subject string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(subject) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			if b.Len() >= 60 {
				break
			}
			continue
		}
		hyphen = true
	}
	if b.Len() == 0 {
		return "message"
	}
	return b.String()
}
