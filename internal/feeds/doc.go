// Package feeds writes the machine-readable formats served by the public
// PCN sites: Atom 1.0 news feeds (RFC 4287), iCalendar event files
// (RFC 5545), XML sitemaps (sitemaps.org protocol 0.9) and robots.txt.
//
// Every writer renders into memory first and validates its input, so on
// error nothing is written to w. Only the standard library is used.
package feeds
