import { StackDefinition } from '../lib';
import { argocd } from './argocd';
import { basicAuth } from './basic-auth';
import { batch } from './batch';
import { cluster } from './cluster';
import { journal } from './journal';
import { kubeApiserver } from './kube-apiserver';
import { podReader } from './pod-reader';
import { todo } from './todo';

/** The app stacks Argo CD delivers, one folder each under `dist/<environment>/`. */
export const apps: StackDefinition[] = [cluster, journal, todo, basicAuth, batch, podReader];

/**
 * Every stack: the apps, their Argo CD Applications (`dist/<environment>/argocd/`) and the
 * kube-apiserver files (`dist/<environment>/kube-apiserver/`, handed to the control plane).
 */
export const stacks: StackDefinition[] = [...apps, argocd(apps), kubeApiserver];

/** Folders that hold no API objects for the cluster: kustomize and Helm leave them out. */
export const CONTROL_PLANE_FILES = [kubeApiserver.name];
