"""An independent, clean-room Trakt stand-in and the issue-27 done-when checks run against it."""
