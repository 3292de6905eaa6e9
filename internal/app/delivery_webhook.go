package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/outbound"
	"github.com/allyprm/ally/internal/webhook"
)

// webhookUserAgent names Ally to receivers.
const webhookUserAgent = "Ally-Webhooks/1"

// maxDrain is how much of an answer beyond the excerpt is read so the
// connection can be used again; a longer answer just closes it.
const maxDrain = 64 << 10

// webhookAttempt POSTs the delivery's fixed body, signed with the current
// secret, through the guarded client. The webhook-id is the delivery id on
// every attempt, so receivers can drop repeats.
func (a *App) webhookAttempt(ctx context.Context, d *ally.Delivery, ep endpoint) attemptOutcome {
	start := time.Now()
	att := &ally.DeliveryAttempt{At: a.clock(), Target: ep.url}
	out := attemptOutcome{attempt: att}
	defer func() { att.DurationMS = time.Since(start).Milliseconds() }()

	resp, err := a.post(ctx, d, ep, att.At)
	if err != nil {
		var blocked *outbound.BlockedError
		if errors.As(err, &blocked) {
			out.refused = true
			att.Error = fmt.Sprintf("refused: %s resolves to a private address (%s, %s); an admin can allow the host with ALLY_OUTBOUND_ALLOW",
				blocked.Host, blocked.Addr, blocked.Reason)
		} else {
			att.Error = requestError(err)
		}
		return out
	}
	defer func() {
		_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
		_ = resp.Body.Close()
	}()
	att.StatusCode = resp.StatusCode
	att.Response = excerpt(resp.Body)
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		att.OK = true
	case code >= 300 && code < 400:
		att.Error = fmt.Sprintf("HTTP %s: redirects are not followed (Location: %q); set the webhook to the final URL",
			resp.Status, resp.Header.Get("Location"))
	case code == http.StatusGone:
		out.gone = true
	default:
		att.Error = "HTTP " + resp.Status
	}
	out.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), att.At)
	return out
}

func (a *App) post(ctx context.Context, d *ally.Delivery, ep endpoint, at time.Time) (*http.Response, error) {
	h, err := webhook.Headers(ep.secret, d.ID, at, d.Payload)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.url, bytes.NewReader(d.Payload))
	if err != nil {
		return nil, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", webhookUserAgent)
	return a.outbound.Do(req)
}

// requestError says why a request got no answer, without repeating the URL
// (the attempt shows it).
func requestError(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err.Error()
	}
	if ue.Timeout() {
		return "timed out: " + ue.Err.Error()
	}
	return "no answer: " + ue.Err.Error()
}

// excerpt reads the start of an answer as storable text (valid UTF-8, no
// NUL), at most ally.MaxResponseExcerpt bytes.
func excerpt(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, ally.MaxResponseExcerpt))
	// The limit may cut the last character in two: drop its first half.
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				b = b[:i]
			}
			break
		}
	}
	// "?" for each run of invalid bytes never makes the text longer.
	return strings.ReplaceAll(strings.ToValidUTF8(string(b), "?"), "\x00", "")
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date; zero when
// absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return now.Add(time.Duration(min(secs, int(deliveryMaxRetryAfter/time.Second))) * time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.UTC()
	}
	return time.Time{}
}
