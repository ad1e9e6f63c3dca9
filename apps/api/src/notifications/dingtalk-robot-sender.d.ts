/** The part of dingtalk-robot-sender 1.2 (untyped CommonJS) the DingTalk sender uses. */
declare module 'dingtalk-robot-sender' {
  interface HttpClient<T> {
    request(url: string, options: { method: string; headers: Record<string, string>; data: string }): Promise<T>;
  }
  class ChatBot<T = unknown> {
    constructor(options: { webhook: string; secret?: string; httpclient: HttpClient<T> });
    markdown(title: string, text: string, at?: { atMobiles?: string[]; isAtAll?: boolean }): Promise<T>;
  }
  export = ChatBot;
}
