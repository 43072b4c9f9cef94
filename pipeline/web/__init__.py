"""The web edition: handouts as accessible HTML pages, the site's shared files, the library site and its sitemap."""
