"""The demo world behind ``ganxun demo``: 示例市 and its people, institutions and accounts."""
