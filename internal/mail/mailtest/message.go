package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
)

// Message is one received message, parsed.
type Message struct {
	EnvelopeFrom string   // MAIL FROM
	Rcpts        []string // RCPT TO
	AuthUser     string   // the user that authenticated, "" without AUTH
	TLS          bool     // the conversation was encrypted (STARTTLS)

	Header  mail.Header
	From    string // the From header, decoded
	To      []string
	Subject string // decoded
	Text    string // the text/plain part, decoded
	HTML    string // the text/html part, decoded
	Raw     []byte // the message as received
}

// SentTo reports whether the message went to addr (envelope or To header).
func (m Message) SentTo(addr string) bool {
	for _, list := range [][]string{m.Rcpts, m.To} {
		for _, a := range list {
			if strings.EqualFold(a, addr) {
				return true
			}
		}
	}
	return false
}

// Link returns the first URL in the text part (else the HTML part) that
// contains pattern ("" for any), or "" when there is none.
func (m Message) Link(pattern string) string {
	urlPattern := regexp.MustCompile(`https?://[^\s"'<>]+`)
	for _, body := range []string{m.Text, m.HTML} {
		for _, u := range urlPattern.FindAllString(body, -1) {
			u = strings.ReplaceAll(u, "&amp;", "&") // as written in HTML
			if strings.Contains(u, pattern) {
				return u
			}
		}
	}
	return ""
}

// Parse reads a raw RFC 5322 message (as a FileSender's .eml file holds).
func Parse(raw []byte) (Message, error) { return parse(raw) }

func parse(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, fmt.Errorf("read message: %w", err)
	}
	m := Message{Header: msg.Header, Raw: raw}
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Message{}, fmt.Errorf("subject: %w", err)
	}
	if from, err := mail.ParseAddress(msg.Header.Get("From")); err == nil {
		m.From = from.String()
	}
	if to, err := msg.Header.AddressList("To"); err == nil {
		for _, a := range to {
			m.To = append(m.To, a.Address)
		}
	}
	if err := m.readPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); err != nil {
		return Message{}, err
	}
	return m, nil
}

// readPart walks the MIME tree and keeps the first text and HTML parts.
func (m *Message) readPart(contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart() // decodes quoted-printable by itself
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := m.readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("%s part: %w", mt, err)
	}
	switch {
	case mt == "text/plain" && m.Text == "":
		m.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
	case mt == "text/html" && m.HTML == "":
		m.HTML = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	return nil
}
