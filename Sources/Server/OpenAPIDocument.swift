enum OpenAPIDocument {
    static let json = "{}"  // placeholder until the document lands
}
