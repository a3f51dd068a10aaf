"""Code bound to WeasyPrint 70's internals: local fixes and the sources appendix's relayout."""
