package dev.aigateway.fakeprovider;

import java.util.regex.Pattern;

/**
 * Vertex AI's Gemini endpoints ({@code /v1/projects/{project}/locations/{location}/publishers/
 * google/models/{model}:generateContent} and {@code :streamGenerateContent?alt=sse}). Like Vertex
 * it wants an OAuth access token, and only accepts tokens the fake's own token endpoint issued.
 */
final class VertexResponder implements Responder {
  private static final Pattern PATH =
      Pattern.compile(
          ".*/v1(beta1)?/projects/[^/]+/locations/[^/]+/publishers/google/models/[^/]+:[A-Za-z]+");

  private final GenerateContent generateContent = new GenerateContent(true);
  private final OAuthTokenResponder tokens;

  VertexResponder(OAuthTokenResponder tokens) {
    this.tokens = tokens;
  }

  @Override
  public Reply answer(FakeProvider.ReceivedRequest request) {
    GenerateContent.Call call = GenerateContent.call(request);
    if (call == null || !PATH.matcher(request.rawPath()).matches()) {
      return error(404, "The requested URL was not found on this server.");
    }
    String authorization = request.headers().getOrDefault("authorization", "");
    if (!authorization.startsWith("Bearer ")) {
      return error(
          401,
          "Request is missing required authentication credential. Expected OAuth 2 access token,"
              + " login cookie or other valid authentication credential.");
    }
    if (!tokens.issued(authorization.substring("Bearer ".length()))) {
      return error(
          401,
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login"
              + " cookie or other valid authentication credential.");
    }
    return generateContent.answer(request, call);
  }

  @Override
  public Reply error(int status, String message) {
    return GoogleErrors.reply(status, message);
  }
}
