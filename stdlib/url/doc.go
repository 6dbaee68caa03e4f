// Package url is the url module: parsing, joining and quoting URLs, and the
// query strings the http module shares.
package url
