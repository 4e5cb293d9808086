public enum RetrievalModule {}
