# Hearth's image, for running several instances (compose.yaml; README, "Running on PostgreSQL and Redis").
# One box with the SQLite file needs none of this: `npm start` is the whole of it.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY package.json package-lock.json ./
# What the server runs needs the dependencies only (the app is built; adapter-node bundles the rest).
RUN npm ci --omit=dev && npm cache clean --force
COPY server ./server
COPY src ./src
COPY drizzle ./drizzle
COPY static ./static
COPY --from=build /app/build ./build
COPY --from=build /app/src/lib/paraglide ./src/lib/paraglide
USER node
EXPOSE 3000
# `npm run serve`: the server on the built app, without building again.
CMD ["node", "server/index.ts"]
