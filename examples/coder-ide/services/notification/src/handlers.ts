/** Requests notification answers. */
export interface NotificationRequest {
  userId: string;
  payload: string;
}

export async function handle(request: NotificationRequest): Promise<string> {
  return `notification: ${request.payload}`;
}
