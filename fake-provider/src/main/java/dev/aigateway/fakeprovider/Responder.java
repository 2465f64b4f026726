package dev.aigateway.fakeprovider;

/** Answers the requests of one provider schema, in that provider's own wire format. */
interface Responder {

  /** The answer to {@code request}, including the provider's errors for what it would refuse. */
  Reply answer(FakeProvider.ReceivedRequest request);

  /** An error with {@code status} in the provider's own error shape (failures on demand). */
  Reply error(int status, String message);
}
