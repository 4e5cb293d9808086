public enum MiniLMModule {}
