import { ApiObject, App } from 'cdk8s';

/** Sessions by App: the JSON of each object rendered so far. */
const sessions = new WeakMap<App, WeakMap<ApiObject, any>>();

/**
 * The JSON of API objects as written (`toJson()`, escape-hatch patches included), rendered once
 * per synth: a validation that checks another object as rendered and the Platform writing it
 * share one rendering. `toJson()` is the costliest step of a synth; a fleet's autoscalers each
 * checked their Deployment with a second one.
 */
export class RenderedJson {
  /**
   * Renders each object of `app` at most once from now on. Call it only once the objects are
   * final (the Platform does, after defining and labelling them): later changes are not seen.
   */
  public static open(app: App): void {
    sessions.set(app, new WeakMap());
  }

  /** The object's JSON: rendered once if its App was opened, else every time. */
  public static of(apiObject: ApiObject): any {
    const session = sessions.get(App.of(apiObject));
    if (!session) return apiObject.toJson();
    let json = session.get(apiObject);
    if (json === undefined) {
      json = apiObject.toJson();
      session.set(apiObject, json);
    }
    return json;
  }

  private constructor() {}
}
