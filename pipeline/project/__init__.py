"""handouts.yml, layouts/ and locales → the validated project configuration (and the strict file and YAML readers every later stage uses)."""
