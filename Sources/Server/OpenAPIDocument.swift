/// The OpenAPI 3.1 description of the HTTP API, served at `GET /openapi.json`.
///
/// The one source of truth for the wire contract: `Tests/api/dump_openapi.py` extracts it for the
/// validator, schemathesis and other tools without a running server. Edit the JSON here, then run
/// `python3 Tests/api/dump_openapi.py --validate`.
enum OpenAPIDocument {
    static let json: String = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "ragctl",
        "version": "1.0.0",
        "summary": "Self-hosted retrieval-augmented generation engine.",
        "description": "Every response carries `X-Request-ID`. Errors under `/api` and the operational routes are RFC 9457 `application/problem+json` objects whose `type` is `urn:ragctl:problem:CODE`; errors under `/v1` use the OpenAI error shape. A wrong method on a known path is a 405 with `Allow`; an unknown path is a 404. When `[auth] enabled = true`, `/api` and `/v1` need `Authorization: Bearer <API key or JWT>`."
      },
      "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
      "servers": [
        {
          "url": "/"
        }
      ],
      "security": [
        {},
        {
          "bearer": []
        }
      ],
      "tags": [
        {
          "name": "health"
        },
        {
          "name": "retrieval"
        },
        {
          "name": "namespaces"
        },
        {
          "name": "vectors"
        },
        {
          "name": "documents"
        },
        {
          "name": "ingest"
        },
        {
          "name": "openai"
        },
        {
          "name": "keys",
          "description": "API keys (admin). Available when `[auth] enabled = true`; otherwise every key route answers 404 `auth_disabled` (use `ragctl keys`)."
        },
        {
          "name": "audit"
        }
      ],
      "paths": {
        "/healthz": {
          "get": {
            "operationId": "getHealth",
            "summary": "Liveness",
            "tags": [
              "health"
            ],
            "description": "Open even when auth is enabled.",
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "Alive.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Health"
                    }
                  }
                }
              }
            },
            "security": []
          }
        },
        "/readyz": {
          "get": {
            "operationId": "getReadiness",
            "summary": "Readiness",
            "tags": [
              "health"
            ],
            "description": "Open even when auth is enabled. Provider breaker states are reported but an open breaker alone does not make the server not ready.",
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "Ready.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Readiness"
                    }
                  }
                }
              },
              "503": {
                "description": "Not ready; `checks` says why.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Readiness"
                    }
                  }
                }
              }
            },
            "security": []
          }
        },
        "/metrics": {
          "get": {
            "operationId": "getMetrics",
            "summary": "Prometheus metrics",
            "tags": [
              "health"
            ],
            "description": "Needs credentials (any role) when auth is enabled, unless `[auth] open_metrics = true`.",
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "Prometheus text exposition format 0.0.4.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "text/plain; version=0.0.4": {
                    "schema": {
                      "type": "string"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              }
            }
          }
        },
        "/openapi.json": {
          "get": {
            "operationId": "getOpenAPIDocument",
            "summary": "This document",
            "tags": [
              "health"
            ],
            "description": "Open by default; needs credentials when auth is enabled and `[auth] open_openapi = false`.",
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "The OpenAPI 3.1 document.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              }
            }
          }
        },
        "/api/v1/search": {
          "post": {
            "operationId": "search",
            "summary": "Retrieve passages",
            "tags": [
              "retrieval"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/SearchRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Ranked passages.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/SearchResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "422": {
                "$ref": "#/components/responses/Unprocessable"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/api/v1/query": {
          "post": {
            "operationId": "query",
            "summary": "Answer a question from a namespace",
            "tags": [
              "retrieval"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/QueryRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The answer. With `stream: true`, an SSE stream instead. `text/event-stream`: `event: sources` (data: QuerySourcesEvent), then `event: token` (data: QueryTokenEvent) repeated, then `event: done` (data: the QueryResponse object). A failure after the stream started is sent as `event: error` whose data is a Problem object, and the stream ends.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/QueryResponse"
                    }
                  },
                  "text/event-stream": {
                    "schema": {
                      "$ref": "#/components/schemas/QueryStreamEvent"
                    }
                  }
                },
                "links": {
                  "giveFeedback": {
                    "operationId": "createFeedback",
                    "requestBody": {
                      "query_id": "$response.body#/query_id",
                      "rating": 1
                    },
                    "description": "Rate this answer."
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "422": {
                "$ref": "#/components/responses/Unprocessable"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/api/v1/feedback": {
          "post": {
            "operationId": "createFeedback",
            "summary": "Rate an answer",
            "tags": [
              "retrieval"
            ],
            "description": "404 when `query_id` is unknown. Rating: -1 (bad) … 5 (excellent).",
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/FeedbackRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "Recorded.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/FeedbackResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/api/v1/namespaces": {
          "get": {
            "operationId": "listNamespaces",
            "summary": "List namespaces",
            "tags": [
              "namespaces"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "Namespaces visible to the caller.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/NamespaceList"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "post": {
            "operationId": "createNamespace",
            "summary": "Create a namespace",
            "tags": [
              "namespaces"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/NamespaceCreate"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "Created.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  },
                  "Location": {
                    "description": "`/api/v1/namespaces/NAME`.",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Namespace"
                    }
                  }
                },
                "links": {
                  "getNamespace": {
                    "operationId": "getNamespace",
                    "parameters": {
                      "ns": "$response.body#/name"
                    }
                  },
                  "deleteNamespace": {
                    "operationId": "deleteNamespace",
                    "parameters": {
                      "ns": "$response.body#/name"
                    }
                  },
                  "upsertVectors": {
                    "operationId": "upsertVectors",
                    "parameters": {
                      "ns": "$response.body#/name"
                    }
                  },
                  "searchVectors": {
                    "operationId": "searchVectors",
                    "parameters": {
                      "ns": "$response.body#/name"
                    }
                  },
                  "listDocuments": {
                    "operationId": "listDocuments",
                    "parameters": {
                      "ns": "$response.body#/name"
                    }
                  },
                  "createDocuments": {
                    "operationId": "createDocuments",
                    "parameters": {
                      "ns": "$response.body#/name"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/api/v1/namespaces/{ns}": {
          "get": {
            "operationId": "getNamespace",
            "summary": "Describe a namespace",
            "tags": [
              "namespaces"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Namespace"
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "The namespace with document and chunk counts.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/NamespaceDetail"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "delete": {
            "operationId": "deleteNamespace",
            "summary": "Drop a namespace",
            "tags": [
              "namespaces"
            ],
            "description": "Drops the namespace with its vectors, documents and chunks.",
            "parameters": [
              {
                "$ref": "#/components/parameters/Namespace"
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "204": {
                "$ref": "#/components/responses/NoContent"
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/api/v1/namespaces/{ns}/vectors": {
          "post": {
            "operationId": "upsertVectors",
            "summary": "Upsert raw vectors",
            "tags": [
              "vectors"
            ],
            "description": "All or nothing: any bad record is a 400 whose `field` is `vectors[i].FIELD`, and nothing is written.",
            "parameters": [
              {
                "$ref": "#/components/parameters/Namespace"
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/VectorUpsertRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "All records written.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/VectorUpsertResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/api/v1/namespaces/{ns}/vectors/search": {
          "post": {
            "operationId": "searchVectors",
            "summary": "Nearest neighbours of raw vectors",
            "tags": [
              "vectors"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Namespace"
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/VectorSearchRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Hits, best first.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/VectorSearchResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/api/v1/namespaces/{ns}/documents": {
          "get": {
            "operationId": "listDocuments",
            "summary": "List documents",
            "tags": [
              "documents"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Namespace"
              },
              {
                "$ref": "#/components/parameters/Limit"
              },
              {
                "$ref": "#/components/parameters/Offset"
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of documents visible at the caller's clearance, ordered by source.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/DocumentList"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "post": {
            "operationId": "createDocuments",
            "summary": "Add documents",
            "tags": [
              "documents"
            ],
            "description": "Extracts, chunks, embeds and stores synchronously. JSON for one text; multipart for files (each `file` part's filename decides the format). A file that cannot be indexed is listed with status `failed`; 422 when none could be.",
            "parameters": [
              {
                "$ref": "#/components/parameters/Namespace"
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/DocumentCreate"
                  }
                },
                "multipart/form-data": {
                  "schema": {
                    "$ref": "#/components/schemas/DocumentUpload"
                  },
                  "encoding": {
                    "file": {
                      "contentType": "application/octet-stream"
                    }
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "Stored (or unchanged).",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  },
                  "Location": {
                    "description": "`/api/v1/namespaces/NS/documents/ID`, sent when exactly one document was written.",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/DocumentWriteResult"
                    }
                  }
                },
                "links": {
                  "getDocument": {
                    "operationId": "getDocument",
                    "parameters": {
                      "ns": "$request.path.ns",
                      "id": "$response.body#/documents/0/id"
                    }
                  },
                  "deleteDocument": {
                    "operationId": "deleteDocument",
                    "parameters": {
                      "ns": "$request.path.ns",
                      "id": "$response.body#/documents/0/id"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "422": {
                "$ref": "#/components/responses/Unprocessable"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/api/v1/namespaces/{ns}/documents/{id}": {
          "get": {
            "operationId": "getDocument",
            "summary": "A document with its chunks",
            "tags": [
              "documents"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Namespace"
              },
              {
                "$ref": "#/components/parameters/DocumentID"
              },
              {
                "$ref": "#/components/parameters/IfNoneMatch"
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "The document.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  },
                  "ETag": {
                    "$ref": "#/components/headers/ETag"
                  },
                  "Cache-Control": {
                    "$ref": "#/components/headers/CacheControl"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/DocumentDetail"
                    }
                  }
                }
              },
              "304": {
                "description": "Not modified (If-None-Match matched); no body.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  },
                  "ETag": {
                    "$ref": "#/components/headers/ETag"
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "delete": {
            "operationId": "deleteDocument",
            "summary": "Delete a document",
            "tags": [
              "documents"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/Namespace"
              },
              {
                "$ref": "#/components/parameters/DocumentID"
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "204": {
                "$ref": "#/components/responses/NoContent"
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/api/v1/ingest": {
          "post": {
            "operationId": "createIngestJob",
            "summary": "Ingest files in the background",
            "tags": [
              "ingest"
            ],
            "description": "JSON names server-side paths under the configured ingest roots (others are a 403); multipart uploads files. A missing namespace is created (with the configured embedder's model) for an admin, a 404 for other roles. 503 with Retry-After when the queue is full.",
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/IngestRequest"
                  }
                },
                "multipart/form-data": {
                  "schema": {
                    "$ref": "#/components/schemas/IngestUpload"
                  },
                  "encoding": {
                    "file": {
                      "contentType": "application/octet-stream"
                    }
                  }
                }
              }
            },
            "responses": {
              "202": {
                "description": "Queued.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  },
                  "Location": {
                    "description": "`/api/v1/jobs/ID`.",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/JobAccepted"
                    }
                  }
                },
                "links": {
                  "getJob": {
                    "operationId": "getJob",
                    "parameters": {
                      "id": "$response.body#/job_id"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/api/v1/jobs": {
          "get": {
            "operationId": "listJobs",
            "summary": "List jobs",
            "description": "Jobs in the caller's namespaces that write documents at or below the caller's clearance.",
            "tags": [
              "ingest"
            ],
            "parameters": [
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000,
                  "default": 50
                }
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "Jobs, newest first.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/JobList"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/api/v1/jobs/{id}": {
          "get": {
            "operationId": "getJob",
            "summary": "A job's state and progress",
            "description": "A job outside the caller's namespaces, or one that writes documents above the caller's clearance, is a 404 like a job that does not exist.",
            "tags": [
              "ingest"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/JobID"
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "The job.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Job"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/embeddings": {
          "post": {
            "operationId": "createEmbeddings",
            "summary": "Embed texts (OpenAI-compatible)",
            "tags": [
              "openai"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/EmbeddingRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "One embedding per input, in input order.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/EmbeddingResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/OpenAIBadRequest"
              },
              "401": {
                "$ref": "#/components/responses/OpenAIUnauthorized"
              },
              "403": {
                "$ref": "#/components/responses/OpenAIForbidden"
              },
              "404": {
                "$ref": "#/components/responses/OpenAINotFound"
              },
              "413": {
                "$ref": "#/components/responses/OpenAIPayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/OpenAIUnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/OpenAITooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/OpenAIInternalError"
              },
              "503": {
                "$ref": "#/components/responses/OpenAIServiceUnavailable"
              }
            }
          }
        },
        "/v1/chat/completions": {
          "post": {
            "operationId": "createChatCompletion",
            "summary": "Chat completion (OpenAI-compatible; retrieval-augmented for rag:NS)",
            "tags": [
              "openai"
            ],
            "description": "`n` must be 1. Unknown fields are ignored. For `rag:` models the last user message is the query (its answer may be extractive when no LLM answers). 404 for an unknown namespace; for other models 503 when no LLM provider is configured, 502 when every provider failed.",
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ChatCompletionRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "A chat.completion object; with `stream: true` an SSE stream of `data: <ChatCompletionChunk>` lines ending with `data: [DONE]`.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ChatCompletion"
                    }
                  },
                  "text/event-stream": {
                    "schema": {
                      "$ref": "#/components/schemas/ChatCompletionStreamEvent"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/OpenAIBadRequest"
              },
              "401": {
                "$ref": "#/components/responses/OpenAIUnauthorized"
              },
              "403": {
                "$ref": "#/components/responses/OpenAIForbidden"
              },
              "404": {
                "$ref": "#/components/responses/OpenAINotFound"
              },
              "409": {
                "$ref": "#/components/responses/OpenAIConflict"
              },
              "413": {
                "$ref": "#/components/responses/OpenAIPayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/OpenAIUnsupportedMediaType"
              },
              "422": {
                "$ref": "#/components/responses/OpenAIUnprocessable"
              },
              "429": {
                "$ref": "#/components/responses/OpenAITooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/OpenAIInternalError"
              },
              "502": {
                "$ref": "#/components/responses/OpenAIBadGateway"
              },
              "503": {
                "$ref": "#/components/responses/OpenAIServiceUnavailable"
              }
            }
          }
        },
        "/v1/models": {
          "get": {
            "operationId": "listModels",
            "summary": "List models (OpenAI-compatible)",
            "tags": [
              "openai"
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "The native embedding model, `rag:NAMESPACE` for every visible namespace, and the configured LLM models.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ModelList"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/OpenAIUnauthorized"
              },
              "403": {
                "$ref": "#/components/responses/OpenAIForbidden"
              },
              "429": {
                "$ref": "#/components/responses/OpenAITooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/OpenAIInternalError"
              }
            }
          }
        },
        "/api/v1/keys": {
          "get": {
            "operationId": "listKeys",
            "summary": "List API keys",
            "tags": [
              "keys"
            ],
            "description": "Needs the admin role.",
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "Every key, oldest first.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/APIKeyList"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "post": {
            "operationId": "createKey",
            "summary": "Create an API key",
            "tags": [
              "keys"
            ],
            "description": "Needs the admin role. The secret is in this response only; the server stores a peppered hash.",
            "parameters": [
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/APIKeyCreate"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "Created.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  },
                  "Cache-Control": {
                    "description": "`no-store`: the response holds a secret.",
                    "schema": {
                      "type": "string"
                    }
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/APIKeyWithSecret"
                    }
                  }
                },
                "links": {
                  "rotateKey": {
                    "operationId": "rotateKey",
                    "parameters": {
                      "id": "$response.body#/id"
                    }
                  },
                  "revokeKey": {
                    "operationId": "revokeKey",
                    "parameters": {
                      "id": "$response.body#/id"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/api/v1/keys/{id}/revoke": {
          "post": {
            "operationId": "revokeKey",
            "summary": "Revoke an API key",
            "tags": [
              "keys"
            ],
            "description": "Needs the admin role. The key (and a rotated-out secret still in its grace period) stops working at once; revoking again keeps the first time.",
            "parameters": [
              {
                "name": "id",
                "in": "path",
                "required": true,
                "schema": {
                  "type": "string",
                  "pattern": "^[0-9a-f]{16}$"
                },
                "description": "The key id."
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "The revoked key.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/APIKey"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/api/v1/keys/{id}/rotate": {
          "post": {
            "operationId": "rotateKey",
            "summary": "Rotate an API key",
            "tags": [
              "keys"
            ],
            "description": "Needs the admin role. Gives the key a new secret; the old one works for `grace` seconds (default 0). The body is optional.",
            "parameters": [
              {
                "name": "id",
                "in": "path",
                "required": true,
                "schema": {
                  "type": "string",
                  "pattern": "^[0-9a-f]{16}$"
                },
                "description": "The key id."
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "requestBody": {
              "required": false,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/APIKeyRotate"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The key with its new secret.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  },
                  "Cache-Control": {
                    "description": "`no-store`: the response holds a secret.",
                    "schema": {
                      "type": "string"
                    }
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/APIKeyWithSecret"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/api/v1/audit": {
          "get": {
            "operationId": "listAudit",
            "summary": "Audit log entries, newest first (admin)",
            "description": "Every API request and admin action, hash-chained (`ragctl audit verify` checks the chain). Needs the admin role.",
            "tags": [
              "audit"
            ],
            "parameters": [
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Entries per page.",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000,
                  "default": 100
                }
              },
              {
                "name": "since",
                "in": "query",
                "required": false,
                "description": "Only entries at or after this time: RFC 3339 or seconds since 1970.",
                "schema": {
                  "anyOf": [
                    {
                      "type": "string",
                      "format": "date-time"
                    },
                    {
                      "type": "string",
                      "pattern": "^[0-9]{1,12}(\\.[0-9]{1,9})?$"
                    }
                  ],
                  "examples": [
                    "2026-01-02T03:04:05Z",
                    "1767323045"
                  ]
                }
              },
              {
                "name": "before_id",
                "in": "query",
                "required": false,
                "description": "Only entries with smaller ids (the previous page's `next_before_id`).",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 9223372036854775807
                }
              },
              {
                "name": "principal",
                "in": "query",
                "required": false,
                "description": "Only this principal.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 256
                }
              },
              {
                "name": "action",
                "in": "query",
                "required": false,
                "description": "Only this action.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 256
                }
              },
              {
                "name": "namespace",
                "in": "query",
                "required": false,
                "description": "Only this namespace.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 256
                }
              },
              {
                "$ref": "#/components/parameters/XRequestIDParam"
              }
            ],
            "responses": {
              "200": {
                "description": "A page of entries.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/AuditList"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "429": {
                "$ref": "#/components/responses/TooManyRequests"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        }
      },
      "components": {
        "schemas": {
          "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details. `type` is `urn:ragctl:problem:` + `code`.",
            "required": [
              "type",
              "title",
              "status",
              "detail",
              "code",
              "request_id"
            ],
            "properties": {
              "type": {
                "type": "string",
                "pattern": "^urn:ragctl:problem:[a-z0-9_]+$",
                "examples": [
                  "urn:ragctl:problem:namespace_not_found"
                ]
              },
              "title": {
                "type": "string"
              },
              "status": {
                "type": "integer",
                "minimum": 400,
                "maximum": 599
              },
              "detail": {
                "type": "string"
              },
              "code": {
                "type": "string",
                "pattern": "^[a-z0-9_]+$",
                "examples": [
                  "namespace_not_found"
                ]
              },
              "field": {
                "type": "string",
                "description": "JSON path of the request field at fault, e.g. `top_k`, `filter.year`, `vectors[3].vector`."
              },
              "request_id": {
                "type": "string"
              }
            }
          },
          "OpenAIError": {
            "type": "object",
            "description": "Error shape of the OpenAI-compatible `/v1` routes, as the OpenAI SDKs expect.",
            "required": [
              "error"
            ],
            "properties": {
              "error": {
                "type": "object",
                "required": [
                  "message",
                  "type",
                  "param",
                  "code"
                ],
                "properties": {
                  "message": {
                    "type": "string"
                  },
                  "type": {
                    "type": "string",
                    "examples": [
                      "invalid_request_error",
                      "authentication_error",
                      "rate_limit_error",
                      "server_error"
                    ]
                  },
                  "param": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "code": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                }
              }
            }
          },
          "Health": {
            "type": "object",
            "required": [
              "status"
            ],
            "properties": {
              "status": {
                "const": "ok"
              }
            }
          },
          "Readiness": {
            "type": "object",
            "required": [
              "status",
              "checks"
            ],
            "properties": {
              "status": {
                "enum": [
                  "ready",
                  "not_ready"
                ]
              },
              "checks": {
                "type": "object",
                "required": [
                  "store",
                  "embedder",
                  "providers"
                ],
                "properties": {
                  "store": {
                    "type": "string",
                    "description": "`ok` or the reason the store is unusable."
                  },
                  "embedder": {
                    "type": "string",
                    "description": "`ok` or the reason the embedder is unusable."
                  },
                  "providers": {
                    "type": "object",
                    "description": "Circuit-breaker state per configured LLM provider.",
                    "additionalProperties": {
                      "enum": [
                        "closed",
                        "half_open",
                        "open"
                      ]
                    }
                  },
                  "ingest_queue": {
                    "type": "object",
                    "properties": {
                      "depth": {
                        "type": "integer",
                        "minimum": 0
                      },
                      "capacity": {
                        "type": "integer",
                        "minimum": 0
                      }
                    }
                  }
                }
              }
            }
          },
          "AccessLevel": {
            "type": "string",
            "enum": [
              "public",
              "internal",
              "restricted"
            ]
          },
          "Clearance": {
            "type": "string",
            "enum": [
              "public",
              "internal",
              "restricted"
            ],
            "description": "Highest access level the caller asks to see; capped by the credential's own clearance. Default: the credential's clearance (restricted when auth is off)."
          },
          "SearchMode": {
            "type": "string",
            "enum": [
              "dense",
              "bm25",
              "hybrid"
            ],
            "default": "dense"
          },
          "NamespaceName": {
            "type": "string",
            "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
            "description": "1–64 letters, digits, `_`, `-`, `.`, starting with a letter or digit."
          },
          "MetadataValue": {
            "anyOf": [
              {
                "type": [
                  "string",
                  "number",
                  "boolean"
                ]
              },
              {
                "type": "array",
                "items": {
                  "type": "string"
                }
              }
            ],
            "description": "A string, number, boolean or list of strings. `created_at` is an RFC 3339 string."
          },
          "Metadata": {
            "type": "object",
            "additionalProperties": {
              "$ref": "#/components/schemas/MetadataValue"
            },
            "description": "Free metadata. Well-known keys: `category` (string), `access_level` (public|internal|restricted), `created_at` (RFC 3339), `language` (string)."
          },
          "StringMap": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "FieldCondition": {
            "description": "A scalar (equality) or an object of operators.",
            "anyOf": [
              {
                "type": [
                  "string",
                  "number",
                  "boolean"
                ]
              },
              {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": false,
                "properties": {
                  "$eq": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ]
                  },
                  "$ne": {
                    "type": [
                      "string",
                      "number",
                      "boolean"
                    ]
                  },
                  "$in": {
                    "type": "array",
                    "items": {
                      "type": [
                        "string",
                        "number",
                        "boolean"
                      ]
                    }
                  },
                  "$nin": {
                    "type": "array",
                    "items": {
                      "type": [
                        "string",
                        "number",
                        "boolean"
                      ]
                    }
                  },
                  "$lt": {
                    "type": [
                      "string",
                      "number"
                    ]
                  },
                  "$lte": {
                    "type": [
                      "string",
                      "number"
                    ]
                  },
                  "$gt": {
                    "type": [
                      "string",
                      "number"
                    ]
                  },
                  "$gte": {
                    "type": [
                      "string",
                      "number"
                    ]
                  },
                  "$exists": {
                    "type": "boolean"
                  },
                  "$contains": {
                    "type": "string"
                  }
                }
              }
            ]
          },
          "Filter": {
            "type": "object",
            "default": {},
            "description": "Mongo-style metadata filter, e.g. `{\"category\": {\"$in\": [\"a\", \"b\"]}, \"year\": {\"$gte\": 2020}}`. Keys are field names or `$and`/`$or` (non-empty lists of filters) or `$not` (a filter). An empty object matches everything. A condition whose operand type does not fit the field's stored type is a 400 naming `filter.FIELD`.",
            "properties": {
              "$and": {
                "type": "array",
                "minItems": 1,
                "items": {
                  "$ref": "#/components/schemas/Filter"
                }
              },
              "$or": {
                "type": "array",
                "minItems": 1,
                "items": {
                  "$ref": "#/components/schemas/Filter"
                }
              },
              "$not": {
                "$ref": "#/components/schemas/Filter"
              }
            },
            "patternProperties": {
              "^[^$]": {
                "$ref": "#/components/schemas/FieldCondition"
              }
            },
            "additionalProperties": false
          },
          "SearchRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "query",
              "namespace"
            ],
            "properties": {
              "query": {
                "type": "string",
                "minLength": 1,
                "maxLength": 4000,
                "pattern": "\\S",
                "description": "Natural-language query. The maximum is `[validation] max_query_chars` (default 4000); a longer query is a 422."
              },
              "namespace": {
                "$ref": "#/components/schemas/NamespaceName"
              },
              "top_k": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000,
                "default": 10
              },
              "filter": {
                "$ref": "#/components/schemas/Filter"
              },
              "mode": {
                "enum": [
                  "dense",
                  "bm25",
                  "hybrid"
                ],
                "default": "hybrid",
                "description": "Dense (embedding cosine), BM25 (SQLite FTS5, per namespace) or hybrid (both fused)."
              },
              "clearance": {
                "$ref": "#/components/schemas/Clearance"
              },
              "fusion": {
                "enum": [
                  "rrf",
                  "weighted"
                ],
                "default": "rrf",
                "description": "How hybrid mode fuses the two rankings."
              },
              "rrf_k": {
                "type": "number",
                "minimum": 0,
                "default": 60,
                "description": "Reciprocal rank fusion constant."
              },
              "dense_weight": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "default": 0.5,
                "description": "Weighted fusion: share of the (min-max normalised) dense score."
              },
              "candidates": {
                "type": "integer",
                "minimum": 1,
                "maximum": 10000,
                "default": 100,
                "description": "Candidates taken from each side before fusion (and the MMR pool)."
              },
              "mmr": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "Maximal marginal relevance lambda; absent: no diversification."
              }
            }
          },
          "SearchResult": {
            "type": "object",
            "required": [
              "chunk_id",
              "document_id",
              "score",
              "text",
              "source",
              "title",
              "heading_path",
              "metadata"
            ],
            "properties": {
              "chunk_id": {
                "type": "string"
              },
              "document_id": {
                "type": "string"
              },
              "score": {
                "type": "number",
                "description": "Cosine similarity for dense search (higher is better)."
              },
              "text": {
                "type": "string"
              },
              "source": {
                "type": "string"
              },
              "title": {
                "type": "string"
              },
              "heading_path": {
                "type": "string",
                "description": "Headings above the chunk joined with ` > `; empty when none."
              },
              "metadata": {
                "$ref": "#/components/schemas/Metadata"
              }
            }
          },
          "SearchResponse": {
            "type": "object",
            "required": [
              "results",
              "latency_ms"
            ],
            "properties": {
              "results": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/SearchResult"
                }
              },
              "latency_ms": {
                "type": "integer",
                "minimum": 0
              }
            }
          },
          "QueryRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "query",
              "namespace"
            ],
            "properties": {
              "query": {
                "type": "string",
                "minLength": 1,
                "maxLength": 4000,
                "pattern": "\\S",
                "description": "Natural-language query. The maximum is `[validation] max_query_chars` (default 4000); a longer query is a 422."
              },
              "namespace": {
                "$ref": "#/components/schemas/NamespaceName"
              },
              "context_window": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000000,
                "default": 4000,
                "description": "Token budget for the retrieved passages in the prompt."
              },
              "temperature": {
                "type": "number",
                "minimum": 0,
                "maximum": 2,
                "default": 0.7
              },
              "top_k": {
                "type": "integer",
                "minimum": 1,
                "maximum": 100,
                "default": 5
              },
              "filter": {
                "$ref": "#/components/schemas/Filter"
              },
              "stream": {
                "type": "boolean",
                "default": false
              },
              "mode": {
                "enum": [
                  "dense",
                  "bm25",
                  "hybrid"
                ],
                "default": "hybrid",
                "description": "Dense (embedding cosine), BM25 (SQLite FTS5, per namespace) or hybrid (both fused)."
              },
              "clearance": {
                "$ref": "#/components/schemas/Clearance"
              },
              "fusion": {
                "enum": [
                  "rrf",
                  "weighted"
                ],
                "default": "rrf",
                "description": "How hybrid mode fuses the two rankings."
              },
              "rrf_k": {
                "type": "number",
                "minimum": 0,
                "default": 60,
                "description": "Reciprocal rank fusion constant."
              },
              "dense_weight": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "default": 0.5,
                "description": "Weighted fusion: share of the (min-max normalised) dense score."
              },
              "candidates": {
                "type": "integer",
                "minimum": 1,
                "maximum": 10000,
                "default": 100,
                "description": "Candidates taken from each side before fusion (and the MMR pool)."
              },
              "mmr": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "Maximal marginal relevance lambda; absent: no diversification."
              }
            }
          },
          "Source": {
            "allOf": [
              {
                "$ref": "#/components/schemas/SearchResult"
              },
              {
                "type": "object",
                "required": [
                  "n"
                ],
                "properties": {
                  "n": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "1-based citation number as used in the answer, e.g. [1]."
                  }
                }
              }
            ]
          },
          "TokenUsage": {
            "type": "object",
            "required": [
              "prompt_tokens",
              "completion_tokens",
              "estimated"
            ],
            "properties": {
              "prompt_tokens": {
                "type": "integer",
                "minimum": 0
              },
              "completion_tokens": {
                "type": "integer",
                "minimum": 0
              },
              "estimated": {
                "type": "boolean",
                "description": "True when the provider reported no usage and the counts are ≈ characters / 4."
              }
            }
          },
          "QueryResponse": {
            "type": "object",
            "required": [
              "answer",
              "sources",
              "latency_ms",
              "cached",
              "model",
              "degraded",
              "query_id",
              "cache_layer",
              "path",
              "stale",
              "cost",
              "flagged",
              "usage"
            ],
            "properties": {
              "answer": {
                "type": "string"
              },
              "sources": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Source"
                }
              },
              "latency_ms": {
                "type": "integer",
                "minimum": 0
              },
              "cached": {
                "type": "boolean"
              },
              "model": {
                "type": "string",
                "description": "The LLM that answered, or `extractive`."
              },
              "degraded": {
                "type": "boolean",
                "description": "True when no LLM answered and the answer was assembled from the passages."
              },
              "query_id": {
                "type": "string",
                "description": "Pass to POST /api/v1/feedback."
              },
              "cache_layer": {
                "type": [
                  "string",
                  "null"
                ],
                "enum": [
                  "exact",
                  "semantic",
                  null
                ]
              },
              "path": {
                "type": "string",
                "description": "`provider:NAME`, `fallback:NAME`, `stale_cache`, `extractive` or `cache:LAYER`."
              },
              "stale": {
                "type": "boolean",
                "description": "True when every provider failed and an expired cached answer was served."
              },
              "cost": {
                "type": "number",
                "minimum": 0,
                "description": "USD, from the configured price table."
              },
              "flagged": {
                "type": "boolean",
                "description": "True when the query was flagged (not blocked) as a prompt injection."
              },
              "usage": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/TokenUsage"
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            }
          },
          "QuerySourcesEvent": {
            "type": "object",
            "required": [
              "sources"
            ],
            "properties": {
              "sources": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Source"
                }
              }
            },
            "description": "Data of the `sources` event of a streamed query."
          },
          "QueryStreamEvent": {
            "type": "object",
            "required": [
              "event",
              "data"
            ],
            "description": "One server-sent event of a streamed query (`stream: true`): `sources` once, `token` repeated, then `done`; `error` replaces `done` when the answer fails after the stream started. `data` is one line of JSON.",
            "properties": {
              "event": {
                "enum": [
                  "sources",
                  "token",
                  "done",
                  "error"
                ]
              },
              "data": {
                "type": "string",
                "minLength": 1,
                "pattern": "^\\{",
                "contentMediaType": "application/json"
              },
              "id": {
                "type": "string"
              }
            },
            "oneOf": [
              {
                "properties": {
                  "event": {
                    "const": "sources"
                  },
                  "data": {
                    "contentSchema": {
                      "$ref": "#/components/schemas/QuerySourcesEvent"
                    }
                  }
                }
              },
              {
                "properties": {
                  "event": {
                    "const": "token"
                  },
                  "data": {
                    "contentSchema": {
                      "$ref": "#/components/schemas/QueryTokenEvent"
                    }
                  }
                }
              },
              {
                "properties": {
                  "event": {
                    "const": "done"
                  },
                  "data": {
                    "contentSchema": {
                      "$ref": "#/components/schemas/QueryResponse"
                    }
                  }
                }
              },
              {
                "properties": {
                  "event": {
                    "const": "error"
                  },
                  "data": {
                    "contentSchema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              }
            ]
          },
          "ChatCompletionStreamEvent": {
            "type": "object",
            "required": [
              "event",
              "data"
            ],
            "description": "One server-sent event of a streamed chat completion: unnamed (`message`) events whose data is a ChatCompletionChunk, the last one `[DONE]`.",
            "properties": {
              "event": {
                "const": "message"
              },
              "data": {
                "type": "string",
                "minLength": 1
              },
              "id": {
                "type": "string"
              }
            },
            "anyOf": [
              {
                "properties": {
                  "data": {
                    "const": "[DONE]"
                  }
                }
              },
              {
                "properties": {
                  "data": {
                    "pattern": "^\\{",
                    "contentMediaType": "application/json",
                    "contentSchema": {
                      "$ref": "#/components/schemas/ChatCompletionChunk"
                    }
                  }
                }
              }
            ]
          },
          "QueryTokenEvent": {
            "type": "object",
            "required": [
              "text"
            ],
            "properties": {
              "text": {
                "type": "string"
              }
            },
            "description": "Data of each `token` event of a streamed query."
          },
          "FeedbackRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "query_id",
              "rating"
            ],
            "properties": {
              "query_id": {
                "type": "string",
                "minLength": 1,
                "maxLength": 128
              },
              "rating": {
                "type": "integer",
                "minimum": -1,
                "maximum": 5
              },
              "comment": {
                "type": "string",
                "maxLength": 4000
              }
            }
          },
          "FeedbackResponse": {
            "type": "object",
            "required": [
              "query_id",
              "rating"
            ],
            "properties": {
              "query_id": {
                "type": "string"
              },
              "rating": {
                "type": "integer",
                "minimum": -1,
                "maximum": 5
              }
            }
          },
          "Namespace": {
            "type": "object",
            "required": [
              "name",
              "dimension",
              "count",
              "metric",
              "model",
              "bytes",
              "generation"
            ],
            "properties": {
              "name": {
                "$ref": "#/components/schemas/NamespaceName"
              },
              "dimension": {
                "type": "integer",
                "minimum": 1,
                "maximum": 4096
              },
              "count": {
                "type": "integer",
                "minimum": 0,
                "description": "Vectors (chunks) stored."
              },
              "metric": {
                "const": "cosine"
              },
              "model": {
                "type": [
                  "string",
                  "null"
                ],
                "description": "Embedding model of the namespace; null for bring-your-own vectors."
              },
              "bytes": {
                "type": "integer",
                "minimum": 0
              },
              "generation": {
                "type": "integer",
                "minimum": 0,
                "description": "Increases on every write."
              }
            }
          },
          "NamespaceDetail": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Namespace"
              },
              {
                "type": "object",
                "required": [
                  "documents",
                  "chunks"
                ],
                "properties": {
                  "documents": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "chunks": {
                    "type": "integer",
                    "minimum": 0
                  }
                }
              }
            ]
          },
          "NamespaceList": {
            "type": "object",
            "required": [
              "namespaces"
            ],
            "properties": {
              "namespaces": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Namespace"
                }
              }
            }
          },
          "NamespaceCreate": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "name"
            ],
            "description": "Without `dimension` the namespace is for documents embedded by the server's embedder (its model and dimension are recorded); a `model` other than the server's embedder needs `dimension` (a namespace of raw vectors).",
            "properties": {
              "name": {
                "$ref": "#/components/schemas/NamespaceName"
              },
              "dimension": {
                "type": "integer",
                "minimum": 1,
                "maximum": 4096
              },
              "model": {
                "type": "string",
                "minLength": 1
              }
            },
            "allOf": [
              {
                "if": {
                  "required": [
                    "model"
                  ],
                  "properties": {
                    "model": {
                      "not": {
                        "const": "sentence-transformers/all-MiniLM-L6-v2"
                      }
                    }
                  }
                },
                "then": {
                  "required": [
                    "dimension"
                  ]
                }
              },
              {
                "if": {
                  "required": [
                    "model"
                  ],
                  "properties": {
                    "model": {
                      "const": "sentence-transformers/all-MiniLM-L6-v2"
                    }
                  }
                },
                "then": {
                  "properties": {
                    "dimension": {
                      "const": 384
                    }
                  }
                }
              }
            ]
          },
          "VectorRecord": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "id",
              "vector"
            ],
            "properties": {
              "id": {
                "type": "string",
                "minLength": 1,
                "maxLength": 1024
              },
              "vector": {
                "type": "array",
                "minItems": 1,
                "maxItems": 4096,
                "items": {
                  "type": "number"
                },
                "description": "Must have the namespace's dimension, be finite and non-zero; stored normalised."
              },
              "document_id": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "metadata": {
                "$ref": "#/components/schemas/Metadata"
              }
            }
          },
          "VectorUpsertRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "vectors"
            ],
            "properties": {
              "vectors": {
                "type": "array",
                "minItems": 1,
                "maxItems": 10000,
                "items": {
                  "$ref": "#/components/schemas/VectorRecord"
                }
              }
            }
          },
          "VectorUpsertResponse": {
            "type": "object",
            "required": [
              "upserted"
            ],
            "properties": {
              "upserted": {
                "type": "integer",
                "minimum": 0
              }
            }
          },
          "VectorSearchRequest": {
            "type": "object",
            "additionalProperties": false,
            "description": "Exactly one of `vector` (one query) or `vectors` (a batch; results come back as one list per query).",
            "properties": {
              "vector": {
                "type": "array",
                "minItems": 1,
                "maxItems": 4096,
                "items": {
                  "type": "number"
                }
              },
              "vectors": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1024,
                "items": {
                  "type": "array",
                  "minItems": 1,
                  "maxItems": 4096,
                  "items": {
                    "type": "number"
                  }
                }
              },
              "top_k": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000,
                "default": 10
              },
              "filter": {
                "$ref": "#/components/schemas/Filter"
              },
              "clearance": {
                "$ref": "#/components/schemas/Clearance"
              }
            },
            "oneOf": [
              {
                "required": [
                  "vector"
                ]
              },
              {
                "required": [
                  "vectors"
                ]
              }
            ]
          },
          "VectorHit": {
            "type": "object",
            "required": [
              "id",
              "document_id",
              "score",
              "metadata"
            ],
            "properties": {
              "id": {
                "type": "string"
              },
              "document_id": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "score": {
                "type": "number"
              },
              "metadata": {
                "$ref": "#/components/schemas/Metadata"
              }
            }
          },
          "VectorSearchResponse": {
            "type": "object",
            "required": [
              "results"
            ],
            "properties": {
              "results": {
                "anyOf": [
                  {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/VectorHit"
                    }
                  },
                  {
                    "type": "array",
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/VectorHit"
                      }
                    }
                  }
                ],
                "description": "A list of hits for `vector`; a list of lists (one per query) for `vectors`."
              }
            }
          },
          "Document": {
            "type": "object",
            "required": [
              "id",
              "source",
              "title",
              "chunk_count",
              "content_hash",
              "access_level",
              "language",
              "format",
              "size_bytes",
              "last_indexed_at",
              "metadata"
            ],
            "properties": {
              "id": {
                "type": "string"
              },
              "source": {
                "type": "string"
              },
              "title": {
                "type": "string"
              },
              "chunk_count": {
                "type": "integer",
                "minimum": 0
              },
              "content_hash": {
                "type": "string"
              },
              "access_level": {
                "$ref": "#/components/schemas/AccessLevel"
              },
              "language": {
                "type": "string"
              },
              "format": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "size_bytes": {
                "type": [
                  "integer",
                  "null"
                ],
                "minimum": 0
              },
              "last_indexed_at": {
                "type": "string",
                "format": "date-time"
              },
              "metadata": {
                "$ref": "#/components/schemas/StringMap"
              }
            }
          },
          "DocumentList": {
            "type": "object",
            "required": [
              "documents",
              "limit",
              "offset"
            ],
            "properties": {
              "documents": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Document"
                }
              },
              "limit": {
                "type": "integer",
                "minimum": 1
              },
              "offset": {
                "type": "integer",
                "minimum": 0
              }
            }
          },
          "Chunk": {
            "type": "object",
            "required": [
              "id",
              "ordinal",
              "text",
              "start",
              "end",
              "heading_path",
              "token_count"
            ],
            "properties": {
              "id": {
                "type": "string"
              },
              "ordinal": {
                "type": "integer",
                "minimum": 0
              },
              "text": {
                "type": "string"
              },
              "start": {
                "type": "integer",
                "minimum": 0,
                "description": "Offset in Unicode scalars into the extracted text."
              },
              "end": {
                "type": "integer",
                "minimum": 0
              },
              "heading_path": {
                "type": "string"
              },
              "token_count": {
                "type": "integer",
                "minimum": 0
              }
            }
          },
          "DocumentDetail": {
            "allOf": [
              {
                "$ref": "#/components/schemas/Document"
              },
              {
                "type": "object",
                "required": [
                  "chunks"
                ],
                "properties": {
                  "chunks": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/Chunk"
                    }
                  }
                }
              }
            ]
          },
          "DocumentCreate": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "text"
            ],
            "properties": {
              "text": {
                "type": "string",
                "minLength": 1
              },
              "title": {
                "type": "string",
                "minLength": 1,
                "maxLength": 1024
              },
              "source": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "A name or URL identifying the document; default `upload:<sha256 prefix>.<format>`. Re-posting the same source updates it."
              },
              "format": {
                "type": "string",
                "enum": [
                  "txt",
                  "md",
                  "markdown",
                  "rst",
                  "html",
                  "htm",
                  "json",
                  "jsonl",
                  "csv",
                  "tsv",
                  "pdf",
                  "docx",
                  "py",
                  "swift",
                  "js",
                  "ts",
                  "go",
                  "rs",
                  "java",
                  "c",
                  "h",
                  "cpp",
                  "rb",
                  "sh",
                  "yaml",
                  "yml",
                  "toml",
                  "xml"
                ],
                "default": "txt",
                "description": "How to read `text`."
              },
              "metadata": {
                "$ref": "#/components/schemas/StringMap"
              },
              "access_level": {
                "$ref": "#/components/schemas/AccessLevel"
              },
              "category": {
                "type": "string",
                "minLength": 1,
                "maxLength": 256
              }
            }
          },
          "DocumentUpload": {
            "type": "object",
            "required": [
              "file"
            ],
            "additionalProperties": false,
            "properties": {
              "file": {
                "type": "array",
                "minItems": 1,
                "items": {
                  "type": "string",
                  "format": "binary"
                },
                "description": "One or more file parts; each must carry a filename, whose extension decides the format (a part without one is a 400)."
              },
              "access_level": {
                "$ref": "#/components/schemas/AccessLevel"
              },
              "category": {
                "type": "string",
                "maxLength": 256
              }
            }
          },
          "DocumentWriteResult": {
            "type": "object",
            "required": [
              "documents"
            ],
            "properties": {
              "documents": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": [
                    "source",
                    "status"
                  ],
                  "properties": {
                    "id": {
                      "type": "string"
                    },
                    "source": {
                      "type": "string"
                    },
                    "status": {
                      "enum": [
                        "added",
                        "updated",
                        "unchanged",
                        "failed"
                      ]
                    },
                    "chunks": {
                      "type": "integer",
                      "minimum": 0
                    },
                    "error": {
                      "type": "string",
                      "description": "Why a `failed` file could not be indexed."
                    }
                  },
                  "oneOf": [
                    {
                      "required": [
                        "id",
                        "chunks"
                      ],
                      "properties": {
                        "status": {
                          "enum": [
                            "added",
                            "updated",
                            "unchanged"
                          ]
                        }
                      }
                    },
                    {
                      "required": [
                        "error"
                      ],
                      "properties": {
                        "status": {
                          "const": "failed"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "IngestRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "namespace",
              "paths"
            ],
            "properties": {
              "namespace": {
                "$ref": "#/components/schemas/NamespaceName"
              },
              "paths": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1000,
                "items": {
                  "type": "string",
                  "minLength": 1
                },
                "description": "Server-side files or folders; each must lie under a configured ingest root (else 403)."
              },
              "include": {
                "type": "array",
                "maxItems": 100,
                "items": {
                  "type": "string",
                  "minLength": 1
                }
              },
              "exclude": {
                "type": "array",
                "maxItems": 100,
                "items": {
                  "type": "string",
                  "minLength": 1
                }
              },
              "prune": {
                "type": "boolean",
                "default": false
              },
              "access_level": {
                "$ref": "#/components/schemas/AccessLevel"
              },
              "category": {
                "type": "string",
                "minLength": 1,
                "maxLength": 256
              },
              "metadata": {
                "$ref": "#/components/schemas/StringMap"
              },
              "redact_pii": {
                "type": "boolean",
                "default": false
              }
            }
          },
          "IngestUpload": {
            "type": "object",
            "required": [
              "namespace",
              "file"
            ],
            "additionalProperties": false,
            "properties": {
              "namespace": {
                "$ref": "#/components/schemas/NamespaceName"
              },
              "file": {
                "type": "array",
                "minItems": 1,
                "items": {
                  "type": "string",
                  "format": "binary"
                },
                "description": "One or more file parts, each with a filename (a part without one is a 400)."
              },
              "access_level": {
                "$ref": "#/components/schemas/AccessLevel"
              },
              "category": {
                "type": "string",
                "maxLength": 256
              }
            }
          },
          "JobAccepted": {
            "type": "object",
            "required": [
              "job_id",
              "status",
              "status_url"
            ],
            "properties": {
              "job_id": {
                "type": "string"
              },
              "status": {
                "const": "queued"
              },
              "status_url": {
                "type": "string",
                "pattern": "^/api/v1/jobs/"
              }
            }
          },
          "Job": {
            "type": "object",
            "required": [
              "id",
              "kind",
              "namespace",
              "state",
              "created_at",
              "started_at",
              "finished_at",
              "progress",
              "errors",
              "message"
            ],
            "properties": {
              "id": {
                "type": "string"
              },
              "kind": {
                "type": "string",
                "examples": [
                  "ingest"
                ]
              },
              "namespace": {
                "type": "string"
              },
              "state": {
                "enum": [
                  "queued",
                  "running",
                  "succeeded",
                  "failed",
                  "cancelled"
                ]
              },
              "created_at": {
                "type": "string",
                "format": "date-time"
              },
              "started_at": {
                "type": [
                  "string",
                  "null"
                ],
                "format": "date-time"
              },
              "finished_at": {
                "type": [
                  "string",
                  "null"
                ],
                "format": "date-time"
              },
              "progress": {
                "type": "object",
                "additionalProperties": {
                  "type": "integer"
                }
              },
              "errors": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": [
                    "path",
                    "error"
                  ],
                  "properties": {
                    "path": {
                      "type": "string"
                    },
                    "error": {
                      "type": "string"
                    }
                  }
                }
              },
              "message": {
                "type": [
                  "string",
                  "null"
                ]
              }
            }
          },
          "JobList": {
            "type": "object",
            "required": [
              "jobs"
            ],
            "properties": {
              "jobs": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "EmbeddingRequest": {
            "type": "object",
            "additionalProperties": true,
            "required": [
              "input"
            ],
            "properties": {
              "input": {
                "anyOf": [
                  {
                    "type": "string",
                    "minLength": 1
                  },
                  {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 2048,
                    "items": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ]
              },
              "model": {
                "type": "string",
                "minLength": 1,
                "description": "`sentence-transformers/all-MiniLM-L6-v2` (see GET /v1/models), or an alias such as `all-MiniLM-L6-v2`, `text-embedding-3-small` or `text-embedding-ada-002`; default the native model; any other model is a 404."
              },
              "encoding_format": {
                "enum": [
                  "float",
                  "base64"
                ],
                "default": "float",
                "description": "`base64`: little-endian float32 bytes, base64-encoded (the OpenAI SDKs ask for this by default)."
              },
              "dimensions": {
                "type": "integer",
                "minimum": 1,
                "description": "Must equal the model's dimension (384 for the native model); truncation is not supported."
              },
              "user": {
                "type": "string"
              }
            }
          },
          "EmbeddingResponse": {
            "type": "object",
            "required": [
              "object",
              "data",
              "model",
              "usage"
            ],
            "properties": {
              "object": {
                "const": "list"
              },
              "data": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": [
                    "object",
                    "index",
                    "embedding"
                  ],
                  "properties": {
                    "object": {
                      "const": "embedding"
                    },
                    "index": {
                      "type": "integer",
                      "minimum": 0
                    },
                    "embedding": {
                      "anyOf": [
                        {
                          "type": "array",
                          "items": {
                            "type": "number"
                          }
                        },
                        {
                          "type": "string",
                          "contentEncoding": "base64"
                        }
                      ]
                    }
                  }
                }
              },
              "model": {
                "type": "string"
              },
              "usage": {
                "type": "object",
                "required": [
                  "prompt_tokens",
                  "total_tokens"
                ],
                "properties": {
                  "prompt_tokens": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "total_tokens": {
                    "type": "integer",
                    "minimum": 0
                  }
                }
              }
            }
          },
          "ChatContentPart": {
            "type": "object",
            "required": [
              "type",
              "text"
            ],
            "additionalProperties": true,
            "properties": {
              "type": {
                "const": "text",
                "description": "Only text parts are supported."
              },
              "text": {
                "type": "string"
              }
            }
          },
          "ChatMessage": {
            "type": "object",
            "additionalProperties": true,
            "required": [
              "role",
              "content"
            ],
            "properties": {
              "role": {
                "enum": [
                  "system",
                  "developer",
                  "user",
                  "assistant"
                ],
                "description": "`developer` counts as `system`; tool messages are not supported."
              },
              "content": {
                "anyOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/ChatContentPart"
                    }
                  },
                  {
                    "type": "null"
                  }
                ],
                "description": "A string or text parts; null only for `assistant`."
              },
              "name": {
                "type": "string"
              }
            },
            "anyOf": [
              {
                "properties": {
                  "role": {
                    "const": "assistant"
                  }
                }
              },
              {
                "properties": {
                  "content": {
                    "type": [
                      "string",
                      "array"
                    ]
                  }
                }
              }
            ]
          },
          "ChatCompletionRequest": {
            "type": "object",
            "additionalProperties": true,
            "required": [
              "model",
              "messages"
            ],
            "description": "For `rag:NAMESPACE` models the last user message is the query; retrieved passages are added to the prompt and returned in `sources`.",
            "properties": {
              "model": {
                "type": "string",
                "minLength": 1,
                "description": "`rag:NAMESPACE` or a configured LLM model (see GET /v1/models)."
              },
              "messages": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1000,
                "items": {
                  "$ref": "#/components/schemas/ChatMessage"
                }
              },
              "temperature": {
                "type": "number",
                "minimum": 0,
                "maximum": 2,
                "default": 0.7
              },
              "top_p": {
                "type": "number",
                "minimum": 0,
                "maximum": 1
              },
              "max_tokens": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000000
              },
              "max_completion_tokens": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000000
              },
              "stream": {
                "type": "boolean",
                "default": false
              },
              "stream_options": {
                "type": "object",
                "properties": {
                  "include_usage": {
                    "type": "boolean"
                  }
                }
              },
              "stop": {
                "anyOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "array",
                    "maxItems": 4,
                    "items": {
                      "type": "string"
                    }
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "n": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1,
                "default": 1
              },
              "user": {
                "type": "string"
              },
              "top_k": {
                "type": "integer",
                "minimum": 1,
                "maximum": 100,
                "default": 5,
                "description": "ragctl extension: passages retrieved for `rag:` models."
              }
            }
          },
          "ChatCompletionUsage": {
            "type": "object",
            "required": [
              "prompt_tokens",
              "completion_tokens",
              "total_tokens"
            ],
            "properties": {
              "prompt_tokens": {
                "type": "integer",
                "minimum": 0
              },
              "completion_tokens": {
                "type": "integer",
                "minimum": 0
              },
              "total_tokens": {
                "type": "integer",
                "minimum": 0
              }
            }
          },
          "ChatCompletion": {
            "type": "object",
            "required": [
              "id",
              "object",
              "created",
              "model",
              "choices",
              "usage"
            ],
            "properties": {
              "id": {
                "type": "string"
              },
              "object": {
                "const": "chat.completion"
              },
              "created": {
                "type": "integer",
                "description": "Unix seconds."
              },
              "model": {
                "type": "string"
              },
              "choices": {
                "type": "array",
                "minItems": 1,
                "items": {
                  "type": "object",
                  "required": [
                    "index",
                    "message",
                    "finish_reason"
                  ],
                  "properties": {
                    "index": {
                      "type": "integer",
                      "minimum": 0
                    },
                    "message": {
                      "type": "object",
                      "required": [
                        "role",
                        "content"
                      ],
                      "properties": {
                        "role": {
                          "const": "assistant"
                        },
                        "content": {
                          "type": [
                            "string",
                            "null"
                          ]
                        }
                      }
                    },
                    "finish_reason": {
                      "enum": [
                        "stop",
                        "length",
                        "content_filter"
                      ]
                    }
                  }
                }
              },
              "usage": {
                "$ref": "#/components/schemas/ChatCompletionUsage"
              },
              "sources": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Source"
                },
                "description": "Only for `rag:NAMESPACE` models."
              }
            }
          },
          "ChatCompletionChunk": {
            "type": "object",
            "required": [
              "id",
              "object",
              "created",
              "model",
              "choices"
            ],
            "description": "One `data:` line of a streamed chat completion; the stream ends with `data: [DONE]`.",
            "properties": {
              "id": {
                "type": "string"
              },
              "object": {
                "const": "chat.completion.chunk"
              },
              "created": {
                "type": "integer"
              },
              "model": {
                "type": "string"
              },
              "choices": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": [
                    "index",
                    "delta",
                    "finish_reason"
                  ],
                  "properties": {
                    "index": {
                      "type": "integer"
                    },
                    "delta": {
                      "type": "object",
                      "properties": {
                        "role": {
                          "const": "assistant"
                        },
                        "content": {
                          "type": "string"
                        }
                      }
                    },
                    "finish_reason": {
                      "type": [
                        "string",
                        "null"
                      ],
                      "enum": [
                        "stop",
                        "length",
                        "content_filter",
                        null
                      ]
                    }
                  }
                }
              },
              "usage": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/ChatCompletionUsage"
                  },
                  {
                    "type": "null"
                  }
                ]
              },
              "sources": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Source"
                }
              }
            }
          },
          "Model": {
            "type": "object",
            "required": [
              "id",
              "object",
              "created",
              "owned_by"
            ],
            "properties": {
              "id": {
                "type": "string"
              },
              "object": {
                "const": "model"
              },
              "created": {
                "type": "integer"
              },
              "owned_by": {
                "type": "string"
              }
            }
          },
          "ModelList": {
            "type": "object",
            "required": [
              "object",
              "data"
            ],
            "properties": {
              "object": {
                "const": "list"
              },
              "data": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Model"
                }
              }
            }
          },
          "APIKeyRole": {
            "type": "string",
            "enum": [
              "reader",
              "writer",
              "admin"
            ],
            "description": "reader: search, query, feedback; writer: + ingest, documents, vectors in its namespaces; admin: + namespaces, keys, all namespaces."
          },
          "APIKey": {
            "type": "object",
            "description": "An API key's record; never its secret or hash.",
            "required": [
              "id",
              "name",
              "role",
              "namespaces",
              "clearance",
              "created_at",
              "state"
            ],
            "properties": {
              "id": {
                "type": "string",
                "pattern": "^[0-9a-f]{16}$"
              },
              "name": {
                "type": "string"
              },
              "role": {
                "$ref": "#/components/schemas/APIKeyRole"
              },
              "namespaces": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "`[\"*\"]`: every namespace (always so for admin keys)."
              },
              "clearance": {
                "$ref": "#/components/schemas/AccessLevel"
              },
              "rpm": {
                "type": "integer",
                "minimum": 0,
                "description": "Own requests per minute (0 = unlimited); absent: `[rate_limit] user_rpm`."
              },
              "tpm": {
                "type": "integer",
                "minimum": 0,
                "description": "Own LLM tokens per minute (0 = unlimited); absent: `[rate_limit] user_tpm`."
              },
              "created_at": {
                "type": "string",
                "format": "date-time"
              },
              "expires_at": {
                "type": "string",
                "format": "date-time"
              },
              "revoked_at": {
                "type": "string",
                "format": "date-time"
              },
              "rotated_at": {
                "type": "string",
                "format": "date-time"
              },
              "previous_valid_until": {
                "type": "string",
                "format": "date-time",
                "description": "Until when the secret replaced by the last rotation still works (present only while it does)."
              },
              "state": {
                "type": "string",
                "enum": [
                  "active",
                  "expired",
                  "revoked"
                ]
              }
            }
          },
          "APIKeyWithSecret": {
            "description": "A key record with its secret, shown only in this response.",
            "allOf": [
              {
                "$ref": "#/components/schemas/APIKey"
              },
              {
                "type": "object",
                "required": [
                  "key"
                ],
                "properties": {
                  "key": {
                    "type": "string",
                    "pattern": "^rk_[0-9a-f]{16}_[A-Za-z0-9_-]+$",
                    "description": "Send as `Authorization: Bearer <key>`."
                  }
                }
              }
            ]
          },
          "APIKeyList": {
            "type": "object",
            "required": [
              "keys"
            ],
            "properties": {
              "keys": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/APIKey"
                }
              }
            }
          },
          "APIKeyCreate": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "name"
            ],
            "properties": {
              "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 128,
                "pattern": "^[^\\n\\r]+$"
              },
              "role": {
                "$ref": "#/components/schemas/APIKeyRole",
                "default": "reader"
              },
              "namespaces": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1000,
                "items": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 256
                },
                "description": "Names, or `[\"*\"]` for all; required unless the role is admin."
              },
              "clearance": {
                "$ref": "#/components/schemas/AccessLevel",
                "default": "public"
              },
              "rpm": {
                "type": "integer",
                "minimum": 0,
                "maximum": 1000000000
              },
              "tpm": {
                "type": "integer",
                "minimum": 0,
                "maximum": 1000000000
              },
              "expires_at": {
                "type": "string",
                "maxLength": 64,
                "description": "A future RFC 3339 time, a date (midnight UTC) or a duration from now (`90d`, `24h`)."
              }
            },
            "if": {
              "required": [
                "role"
              ],
              "properties": {
                "role": {
                  "const": "admin"
                }
              }
            },
            "then": {},
            "else": {
              "required": [
                "namespaces"
              ]
            }
          },
          "APIKeyRotate": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "grace": {
                "type": "integer",
                "minimum": 0,
                "maximum": 31536000,
                "default": 0,
                "description": "Seconds the old secret keeps working."
              }
            }
          },
          "AuditEntry": {
            "type": "object",
            "description": "One request or admin action. Identifiers only: never query text, chunk text or request bodies.",
            "required": [
              "id",
              "time",
              "principal",
              "action",
              "namespace",
              "resource_ids",
              "status",
              "request_id",
              "shown_document_ids",
              "shown_omitted",
              "prev_hash",
              "hash"
            ],
            "properties": {
              "id": {
                "type": "integer",
                "minimum": 1,
                "description": "Position in the hash chain."
              },
              "time": {
                "type": "string",
                "format": "date-time"
              },
              "principal": {
                "type": "string",
                "description": "`key:<id>` for an API key, or the JWT subject; `anonymous` when the credentials were refused; `local` without authentication; `system` for retention."
              },
              "action": {
                "type": "string",
                "description": "A named action (`namespace.create`, `namespace.delete`, `vectors.upsert`, `document.create`, `document.delete`, `ingest.submit`, `audit.read`, `keys.create`, `keys.revoke`, `keys.rotate`, `audit.prune`, `retention.prune`) or `METHOD /route/{pattern}`; `METHOD unmatched` for unrouted paths.",
                "examples": [
                  "POST /api/v1/search",
                  "namespace.create"
                ]
              },
              "namespace": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "resource_ids": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Document, job, key or query ids the request named or created."
              },
              "status": {
                "type": "integer",
                "description": "HTTP status of the response."
              },
              "request_id": {
                "type": "string"
              },
              "shown_document_ids": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Distinct document ids in the results shown to the caller (search hits, answer sources, listed documents)."
              },
              "shown_omitted": {
                "type": "integer",
                "minimum": 0,
                "description": "Distinct shown document ids beyond the 1000 stored."
              },
              "prev_hash": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$"
              },
              "hash": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
                "description": "SHA-256 of prev_hash and the canonical entry."
              }
            }
          },
          "AuditList": {
            "type": "object",
            "required": [
              "entries",
              "next_before_id"
            ],
            "properties": {
              "entries": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/AuditEntry"
                }
              },
              "next_before_id": {
                "type": [
                  "integer",
                  "null"
                ],
                "description": "Pass as `before_id` for the next (older) page; null when this page is the last."
              }
            }
          }
        },
        "responses": {
          "BadRequest": {
            "description": "Malformed JSON, a missing or invalid field (`field` names it), or an invalid path or query parameter.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAIBadRequest": {
            "description": "Malformed JSON, a missing or invalid field (`field` names it), or an invalid path or query parameter.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "Unauthorized": {
            "description": "Missing or invalid credentials: unknown, revoked, expired or rotated-out key; a token that is unsigned (`alg: none`), of an algorithm not allowed, badly signed, expired, or for another issuer or audience. `WWW-Authenticate: Bearer realm=\"ragctl\"` (with `error=\"invalid_token\"` when credentials were sent).",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              },
              "WWW-Authenticate": {
                "$ref": "#/components/headers/WWWAuthenticate"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAIUnauthorized": {
            "description": "Missing or invalid credentials, as for `Unauthorized`, in the OpenAI error shape (`type: authentication_error`).",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              },
              "WWW-Authenticate": {
                "$ref": "#/components/headers/WWWAuthenticate"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "Forbidden": {
            "description": "The credential's role, namespaces or clearance do not allow this, or a path lies outside the ingest roots.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAIForbidden": {
            "description": "The credential's role, namespaces or clearance do not allow this, or a path lies outside the ingest roots.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "NotFound": {
            "description": "Unknown namespace, document, job, query_id or model.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAINotFound": {
            "description": "Unknown namespace, document, job, query_id or model.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "Conflict": {
            "description": "The namespace already exists, or it was embedded with another model than the server's embedder.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAIConflict": {
            "description": "The namespace already exists, or it was embedded with another model than the server's embedder.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "PayloadTooLarge": {
            "description": "The body exceeds `[server] max_body_bytes`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAIPayloadTooLarge": {
            "description": "The body exceeds `[server] max_body_bytes`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "UnsupportedMediaType": {
            "description": "The Content-Type is not one this operation accepts.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAIUnsupportedMediaType": {
            "description": "The Content-Type is not one this operation accepts.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "Unprocessable": {
            "description": "The query was rejected by validation: prompt injection, PII (when `pii = reject`) or too long.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAIUnprocessable": {
            "description": "The query was rejected by validation: prompt injection, PII (when `pii = reject`) or too long.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "TooManyRequests": {
            "description": "Rate limited (per credential or global).",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              },
              "Retry-After": {
                "$ref": "#/components/headers/RetryAfter"
              },
              "RateLimit-Limit": {
                "$ref": "#/components/headers/RateLimitLimit"
              },
              "RateLimit-Remaining": {
                "$ref": "#/components/headers/RateLimitRemaining"
              },
              "RateLimit-Reset": {
                "$ref": "#/components/headers/RateLimitReset"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAITooManyRequests": {
            "description": "Rate limited (per credential or global).",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              },
              "Retry-After": {
                "$ref": "#/components/headers/RetryAfter"
              },
              "RateLimit-Limit": {
                "$ref": "#/components/headers/RateLimitLimit"
              },
              "RateLimit-Remaining": {
                "$ref": "#/components/headers/RateLimitRemaining"
              },
              "RateLimit-Reset": {
                "$ref": "#/components/headers/RateLimitReset"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "InternalError": {
            "description": "Unexpected server error.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAIInternalError": {
            "description": "Unexpected server error.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "BadGateway": {
            "description": "Every configured LLM provider failed (pass-through chat completions).",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAIBadGateway": {
            "description": "Every configured LLM provider failed (pass-through chat completions).",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "ServiceUnavailable": {
            "description": "Not ready (store or embedder unavailable, LLM providers unavailable) or the ingest queue is full.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              },
              "Retry-After": {
                "description": "Seconds to wait, when known (always sent for a full ingest queue).",
                "required": false,
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "OpenAIServiceUnavailable": {
            "description": "Not ready (store or embedder unavailable, LLM providers unavailable) or the ingest queue is full.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              },
              "Retry-After": {
                "description": "Seconds to wait, when known.",
                "required": false,
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OpenAIError"
                }
              }
            }
          },
          "NoContent": {
            "description": "Deleted.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            }
          }
        },
        "parameters": {
          "XRequestIDParam": {
            "name": "X-Request-ID",
            "in": "header",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "Correlation id. Echoed when it is 1–128 characters of `[A-Za-z0-9._-]`; otherwise ignored and a new id generated."
          },
          "Namespace": {
            "name": "ns",
            "in": "path",
            "required": true,
            "schema": {
              "$ref": "#/components/schemas/NamespaceName"
            }
          },
          "DocumentID": {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1
            }
          },
          "JobID": {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1
            }
          },
          "Limit": {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 100
            }
          },
          "Offset": {
            "name": "offset",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 0,
              "maximum": 2147483647,
              "default": 0
            }
          },
          "IfNoneMatch": {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "schema": {
              "type": "string"
            },
            "description": "An ETag from an earlier GET; a match answers 304 with no body."
          }
        },
        "headers": {
          "XRequestID": {
            "description": "Echo of a valid incoming X-Request-ID (1–128 of `[A-Za-z0-9._-]`), otherwise a generated id. On every response.",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9._-]{1,128}$"
            }
          },
          "WWWAuthenticate": {
            "description": "`Bearer` challenge (RFC 6750).",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^Bearer"
            }
          },
          "RetryAfter": {
            "description": "Seconds to wait before retrying.",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          },
          "RateLimitLimit": {
            "description": "Requests allowed in the current window.",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          },
          "RateLimitRemaining": {
            "description": "Requests left in the current window.",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          },
          "RateLimitReset": {
            "description": "Seconds until the window resets.",
            "required": true,
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          },
          "Location": {
            "description": "URL path of the created resource.",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          "ETag": {
            "description": "`\"<content_hash>\"` (a strong validator).",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^\"[^\"]*\"$"
            }
          },
          "CacheControl": {
            "description": "`private, max-age=0, must-revalidate`.",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        },
        "securitySchemes": {
          "bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "API key or JWT",
            "description": "An API key from `ragctl keys create` (`rk_<id>_<secret>`) or a JWT (HS256, RS256 or ES256; claims `sub`, `role`, `namespaces`, `clearance`, `exp` required, optional `nbf`, `rpm`, `tpm`; `iss`/`aud` checked against `[auth]`). Optional when `[auth] enabled = false`."
          }
        }
      }
    }
    """#
}
