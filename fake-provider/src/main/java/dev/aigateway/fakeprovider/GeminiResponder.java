package dev.aigateway.fakeprovider;

/**
 * The Gemini API ({@code POST /v1beta/models/{model}:generateContent} and {@code
 * :streamGenerateContent?alt=sse}, also under {@code /v1}). Like the real API it wants an API key,
 * in {@code x-goog-api-key} or the {@code key} query parameter, and answers Google's error shape.
 */
final class GeminiResponder implements Responder {
  private final GenerateContent generateContent = new GenerateContent(false);

  @Override
  public Reply answer(FakeProvider.ReceivedRequest request) {
    GenerateContent.Call call = GenerateContent.call(request);
    if (call == null || !request.method().equals("POST")) {
      return error(404, "Method not found.");
    }
    String key = request.headers().get("x-goog-api-key");
    boolean keyInQuery = ("&" + request.query()).matches(".*&key=[^&]+.*");
    if ((key == null || key.isBlank()) && !keyInQuery) {
      return error(
          403,
          "Method doesn't allow unregistered callers (callers without established identity)."
              + " Please use API Key or other form of API consumer identity to call this API.");
    }
    return generateContent.answer(request, call);
  }

  @Override
  public Reply error(int status, String message) {
    return GoogleErrors.reply(status, message);
  }
}
