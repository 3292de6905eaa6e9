package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// portalDelivery is one delivery to the partner with its latest attempts,
// newest first, as the lead page and the delivery settings page list them.
type portalDelivery struct {
	*ally.Delivery
	Attempts []*ally.DeliveryAttempt
}

// portalDeliveries lists the deliveries f selects with their latest
// attempts. The application forces f to the session's partner.
func (s *server) portalDeliveries(r *http.Request, f ally.DeliveryFilter) ([]portalDelivery, error) {
	vs, err := s.app.DeliveryViews(r.Context(), actor(r), f, portalAttemptsShown)
	if err != nil {
		return nil, err
	}
	out := make([]portalDelivery, len(vs))
	for i, v := range vs {
		out[i] = portalDelivery{Delivery: v.Delivery, Attempts: v.Attempts}
	}
	return out, nil
}

// portalAttemptsShown bounds the attempts listed per delivery.
const portalAttemptsShown = 100
