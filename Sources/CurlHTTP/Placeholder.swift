public enum CurlHTTPModule {}
